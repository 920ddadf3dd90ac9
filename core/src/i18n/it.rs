//! Italian.

use super::Key;

pub fn text(key: Key) -> &'static str {
    match key {
        Key::PageTitle => "Disdici il tuo abbonamento",
        Key::Loading => "Caricamento…",
        Key::LoadError => "Impossibile aprire questa pagina",
        Key::NetworkError => {
            "Impossibile raggiungere il server. Controlla la connessione e riprova."
        }
        Key::Cancel => "Disdici abbonamento",
        Key::Cancelling => "Disdetta in corso…",
        Key::Keep => "Mantieni il mio abbonamento",
        Key::DeclineOffer => "No grazie, disdici il mio abbonamento",
        Key::Continue => "Continua",
        Key::SurveyOptional => "La risposta è facoltativa.",
        Key::CancelledHeading => "Il tuo abbonamento è disdetto",
        Key::CancelledMessage => "Ci dispiace vederti andare via. Grazie per essere stato con noi.",
        Key::PendingHeading => "La tua disdetta è in corso",
        Key::PendingMessage => {
            "Abbiamo ricevuto la tua disdetta e la stiamo completando. Non devi fare nient'altro."
        }
        Key::KeptHeading => "Il tuo abbonamento continua",
        Key::KeptMessage => "Perfetto, il tuo abbonamento resta com'è.",
        Key::OfferAppliedHeading => "La tua offerta è attiva",
        Key::OfferPendingHeading => "La tua offerta è in attivazione",
        Key::OfferThanks => "Grazie per essere rimasto con noi.",
        Key::AccessUntil => "Mantieni l'accesso fino al {date}.",
        Key::NextPaymentInstead => "Il tuo prossimo pagamento: {new} invece di {old}.",
        Key::NextPayment => "Il tuo prossimo pagamento: {new}.",
        Key::NextCharge => "Prossimo addebito il {date}.",
        Key::PausedUntil => "Nessun servizio e nessun addebito fino al {date}.",
        Key::ResumesOn => "Il tuo abbonamento riprende il {date} al prezzo abituale.",
        Key::FreeUntil => "Accesso completo gratuito fino al {date}.",
        Key::DirectHeading => "Disdici il tuo contratto",
        Key::DirectButton => "Disdici ora",
        Key::EntryLink => "Disdici il contratto qui",
        Key::ContractLabel => "Contratto",
        Key::CustomerLabel => "Cliente",
        Key::SubscriptionLabel => "N. abbonamento",
        Key::KindLegend => "Tipo di disdetta",
        Key::Ordinary => "Disdetta ordinaria, con effetto dal {date}",
        Key::OrdinaryNext => "Disdetta ordinaria alla prima data possibile",
        Key::Extraordinary => "Recesso straordinario per giusta causa",
        Key::ExtraordinaryReason => "Motivo del recesso straordinario",
        Key::ReasonRequired => "Indica il motivo del recesso straordinario.",
        Key::EmailLabel => "Indirizzo e-mail per la conferma",
        Key::ReceiptHeading => "Conferma della tua disdetta",
        Key::ReceivedLabel => "Ricevuta il",
        Key::EndsLabel => "Fine dell'abbonamento",
        Key::EndsNext => "alla prima data possibile",
        Key::ReferenceLabel => "Riferimento",
        Key::ReceiptLink => "Stampa o salva la conferma",
        Key::EmailSent => "Una conferma è in arrivo a {email}.",
        Key::EmailSubject => "Conferma della tua disdetta ({brand})",
        Key::EmailIntro => {
            "Abbiamo ricevuto la tua disdetta. Conserva questa e-mail come conferma."
        }
        Key::Print => "Stampa",
        Key::AlreadyCancelled => "Già disdetto il {date}, termina il {end}.",
        Key::AlreadyCancelledOpen => "Già disdetto il {date}.",
        Key::OfferBelow => "Prima di andare, potrebbe interessarti:",
        Key::CopyBrand => "Il tuo abbonamento",
        Key::CopyTitle => "Prima di andare, {{first_name | un momento}}",
        Key::CopyMessage => "La disdetta chiude il tuo {{subscription.product.name | abbonamento}} alla fine del periodo di fatturazione in corso. Tutto ciò che hai configurato resta qui se torni.",
        Key::CopyPrompt => "Ci diresti perché te ne vai? (facoltativo)",
        Key::CopyAccept => "Accetta l'offerta",
        Key::ReasonTooExpensive => "È troppo caro",
        Key::ReasonUnused => "Non lo uso abbastanza",
        Key::ReasonMissingFeatures => "Mancano funzioni che mi servono",
        Key::ReasonSwitched => "Passo a un altro servizio",
        Key::ReasonTooComplex => "È troppo difficile da usare",
        Key::ReasonLowQuality => "Non funziona abbastanza bene",
        Key::ReasonSupport => "Ho avuto una brutta esperienza con l'assistenza",
        Key::ReasonOther => "Altro",
        Key::FollowFeatures => "Quali funzioni?",
        Key::FollowService => "Quale, se non ti dispiace?",
        Key::FollowOther => "Raccontaci di più",
    }
}
