//! Brazilian Portuguese.

use super::Key;

pub fn text(key: Key) -> &'static str {
    match key {
        Key::PageTitle => "Cancelar sua assinatura",
        Key::Loading => "Carregando…",
        Key::LoadError => "Não conseguimos abrir esta página",
        Key::NetworkError => {
            "Não conseguimos acessar o servidor. Verifique sua conexão e tente novamente."
        }
        Key::Cancel => "Cancelar assinatura",
        Key::Cancelling => "Cancelando…",
        Key::Keep => "Manter minha assinatura",
        Key::DeclineOffer => "Não, obrigado, cancelar minha assinatura",
        Key::Continue => "Continuar",
        Key::SurveyOptional => "Responder é opcional.",
        Key::CancelledHeading => "Sua assinatura foi cancelada",
        Key::CancelledMessage => {
            "Sentimos muito por ver você partir. Obrigado por ter estado conosco."
        }
        Key::PendingHeading => "Seu cancelamento está em andamento",
        Key::PendingMessage => {
            "Recebemos seu cancelamento e estamos concluindo. Você não precisa fazer mais nada."
        }
        Key::KeptHeading => "Sua assinatura continua",
        Key::KeptMessage => "Ótimo, sua assinatura continua como está.",
        Key::OfferAppliedHeading => "Sua oferta foi aplicada",
        Key::OfferPendingHeading => "Sua oferta está sendo aplicada",
        Key::OfferThanks => "Obrigado por continuar conosco.",
        Key::AccessUntil => "Você mantém o acesso até {date}.",
        Key::NextPaymentInstead => "Seu próximo pagamento: {new} em vez de {old}.",
        Key::NextPayment => "Seu próximo pagamento: {new}.",
        Key::NextCharge => "Próxima cobrança em {date}.",
        Key::PausedUntil => "Sem serviço e sem cobranças até {date}.",
        Key::ResumesOn => "Sua assinatura volta em {date} pelo preço normal.",
        Key::FreeUntil => "Acesso completo grátis até {date}.",
        Key::DirectHeading => "Cancelar seu contrato",
        Key::DirectButton => "Cancelar agora",
        Key::EntryLink => "Cancelar contrato aqui",
        Key::ContractLabel => "Contrato",
        Key::CustomerLabel => "Cliente",
        Key::SubscriptionLabel => "Nº da assinatura",
        Key::KindLegend => "Tipo de cancelamento",
        Key::Ordinary => "Cancelamento comum, a partir de {date}",
        Key::OrdinaryNext => "Cancelamento comum na próxima data possível",
        Key::Extraordinary => "Rescisão extraordinária por justa causa",
        Key::ExtraordinaryReason => "Motivo da rescisão extraordinária",
        Key::ReasonRequired => "Informe o motivo da rescisão extraordinária.",
        Key::EmailLabel => "E-mail para sua confirmação",
        Key::ReceiptHeading => "Confirmação do seu cancelamento",
        Key::ReceivedLabel => "Recebido em",
        Key::EndsLabel => "Fim da assinatura",
        Key::EndsNext => "na próxima data possível",
        Key::ReferenceLabel => "Referência",
        Key::ReceiptLink => "Imprimir ou salvar sua confirmação",
        Key::EmailSent => "Uma confirmação será enviada para {email}.",
        Key::EmailSubject => "Confirmação do seu cancelamento ({brand})",
        Key::EmailIntro => "Recebemos seu cancelamento. Guarde este e-mail como confirmação.",
        Key::Print => "Imprimir",
        Key::AlreadyCancelled => "Já cancelada em {date}, termina em {end}.",
        Key::AlreadyCancelledOpen => "Já cancelada em {date}.",
        Key::OfferBelow => "Antes de sair, talvez você se interesse por:",
        Key::CopyBrand => "Sua assinatura",
        Key::CopyTitle => "Antes de ir, {{first_name | um momento}}",
        Key::CopyMessage => "Ao cancelar, sua {{subscription.product.name | assinatura}} termina no fim do período de cobrança atual. Tudo o que você configurou continua aqui se você voltar.",
        Key::CopyPrompt => "Pode nos contar por que está saindo? (opcional)",
        Key::CopyAccept => "Aceitar a oferta",
        Key::ReasonTooExpensive => "Está caro demais",
        Key::ReasonUnused => "Não uso o suficiente",
        Key::ReasonMissingFeatures => "Faltam recursos de que preciso",
        Key::ReasonSwitched => "Vou mudar para outro serviço",
        Key::ReasonTooComplex => "É difícil demais de usar",
        Key::ReasonLowQuality => "Não funciona bem o bastante",
        Key::ReasonSupport => "Tive uma experiência ruim com o suporte",
        Key::ReasonOther => "Outro motivo",
        Key::FollowFeatures => "Quais recursos?",
        Key::FollowService => "Qual, se não se importa?",
        Key::FollowOther => "Conte-nos mais",
    }
}
