//! Spanish.

use super::Key;

pub fn text(key: Key) -> &'static str {
    match key {
        Key::PageTitle => "Cancelar tu suscripción",
        Key::Loading => "Cargando…",
        Key::LoadError => "No podemos abrir esta página",
        Key::NetworkError => {
            "No pudimos conectar con el servidor. Comprueba tu conexión e inténtalo de nuevo."
        }
        Key::Cancel => "Cancelar suscripción",
        Key::Cancelling => "Cancelando…",
        Key::Keep => "Mantener mi suscripción",
        Key::DeclineOffer => "No, gracias, cancelar mi suscripción",
        Key::Continue => "Continuar",
        Key::SurveyOptional => "Responder es opcional.",
        Key::CancelledHeading => "Tu suscripción está cancelada",
        Key::CancelledMessage => "Lamentamos que te vayas. Gracias por haber estado con nosotros.",
        Key::PendingHeading => "Tu cancelación está en curso",
        Key::PendingMessage => {
            "Hemos recibido tu cancelación y la estamos completando. No tienes que hacer nada más."
        }
        Key::KeptHeading => "Tu suscripción continúa",
        Key::KeptMessage => "Perfecto, tu suscripción sigue igual.",
        Key::OfferAppliedHeading => "Tu oferta está aplicada",
        Key::OfferPendingHeading => "Tu oferta se está aplicando",
        Key::OfferThanks => "Gracias por quedarte con nosotros.",
        Key::AccessUntil => "Mantienes el acceso hasta el {date}.",
        Key::NextPaymentInstead => "Tu próximo pago: {new} en lugar de {old}.",
        Key::NextPayment => "Tu próximo pago: {new}.",
        Key::NextCharge => "Próximo cargo el {date}.",
        Key::PausedUntil => "Sin servicio ni cargos hasta el {date}.",
        Key::ResumesOn => "Tu suscripción se reanuda el {date} a su precio habitual.",
        Key::FreeUntil => "Acceso completo gratis hasta el {date}.",
        Key::DirectHeading => "Cancelar tu contrato",
        Key::DirectButton => "Cancelar ahora",
        Key::EntryLink => "Cancelar el contrato aquí",
        Key::ContractLabel => "Contrato",
        Key::CustomerLabel => "Cliente",
        Key::SubscriptionLabel => "N.º de suscripción",
        Key::KindLegend => "Tipo de cancelación",
        Key::Ordinary => "Cancelación ordinaria, efectiva el {date}",
        Key::OrdinaryNext => "Cancelación ordinaria en la próxima fecha posible",
        Key::Extraordinary => "Cancelación extraordinaria por causa justificada",
        Key::ExtraordinaryReason => "Motivo de la cancelación extraordinaria",
        Key::ReasonRequired => "Indica el motivo de la cancelación extraordinaria.",
        Key::EmailLabel => "Correo electrónico para tu confirmación",
        Key::ReceiptHeading => "Confirmación de tu cancelación",
        Key::ReceivedLabel => "Recibida el",
        Key::EndsLabel => "Fin de la suscripción",
        Key::EndsNext => "en la próxima fecha posible",
        Key::ReferenceLabel => "Referencia",
        Key::ReceiptLink => "Imprimir o guardar tu confirmación",
        Key::EmailSent => "Enviamos una confirmación a {email}.",
        Key::EmailSubject => "Confirmación de tu cancelación ({brand})",
        Key::EmailIntro => "Hemos recibido tu cancelación. Guarda este correo como confirmación.",
        Key::Print => "Imprimir",
        Key::OfferBelow => "Antes de irte, quizá te interese:",
    }
}
