//! French.

use super::Key;

pub fn text(key: Key) -> &'static str {
    match key {
        Key::PageTitle => "Résilier votre abonnement",
        Key::Loading => "Chargement…",
        Key::LoadError => "Impossible d'ouvrir cette page",
        Key::NetworkError => "Le serveur est injoignable. Vérifiez votre connexion et réessayez.",
        Key::Cancel => "Résilier l'abonnement",
        Key::Cancelling => "Résiliation en cours…",
        Key::Keep => "Garder mon abonnement",
        Key::DeclineOffer => "Non merci, résilier mon abonnement",
        Key::Continue => "Continuer",
        Key::SurveyOptional => "Répondre est facultatif.",
        Key::CancelledHeading => "Votre abonnement est résilié",
        Key::CancelledMessage => {
            "Nous sommes désolés de vous voir partir. Merci d'avoir été avec nous."
        }
        Key::PendingHeading => "Votre résiliation est en cours",
        Key::PendingMessage => {
            "Nous avons reçu votre résiliation et la finalisons. Vous n'avez rien d'autre à faire."
        }
        Key::KeptHeading => "Votre abonnement continue",
        Key::KeptMessage => "Parfait, votre abonnement reste tel quel.",
        Key::OfferAppliedHeading => "Votre offre est appliquée",
        Key::OfferPendingHeading => "Votre offre est en cours d'application",
        Key::OfferThanks => "Merci de rester avec nous.",
        Key::AccessUntil => "Vous gardez l'accès jusqu'au {date}.",
        Key::NextPaymentInstead => "Votre prochain paiement : {new} au lieu de {old}.",
        Key::NextPayment => "Votre prochain paiement : {new}.",
        Key::NextCharge => "Prochain prélèvement le {date}.",
        Key::PausedUntil => "Aucun service et aucun prélèvement jusqu'au {date}.",
        Key::ResumesOn => "Votre abonnement reprend le {date} à son prix habituel.",
        Key::FreeUntil => "Accès complet gratuit jusqu'au {date}.",
        Key::DirectHeading => "Résilier votre contrat",
        Key::DirectButton => "Résilier maintenant",
        Key::EntryLink => "Résilier le contrat ici",
        Key::ContractLabel => "Contrat",
        Key::CustomerLabel => "Client",
        Key::SubscriptionLabel => "N° d'abonnement",
        Key::KindLegend => "Type de résiliation",
        Key::Ordinary => "Résiliation ordinaire, effective le {date}",
        Key::OrdinaryNext => "Résiliation ordinaire à la prochaine échéance possible",
        Key::Extraordinary => "Résiliation extraordinaire pour motif grave",
        Key::ExtraordinaryReason => "Motif de la résiliation extraordinaire",
        Key::ReasonRequired => "Veuillez indiquer le motif de la résiliation extraordinaire.",
        Key::EmailLabel => "Adresse e-mail pour votre confirmation",
        Key::ReceiptHeading => "Confirmation de votre résiliation",
        Key::ReceivedLabel => "Reçue le",
        Key::EndsLabel => "Fin de l'abonnement",
        Key::EndsNext => "à la prochaine échéance possible",
        Key::ReferenceLabel => "Référence",
        Key::ReceiptLink => "Imprimer ou enregistrer votre confirmation",
        Key::EmailSent => "Une confirmation est envoyée à {email}.",
        Key::EmailSubject => "Confirmation de votre résiliation ({brand})",
        Key::EmailIntro => {
            "Nous avons bien reçu votre résiliation. Conservez cet e-mail comme confirmation."
        }
        Key::Print => "Imprimer",
        Key::AlreadyCancelled => "Déjà résilié le {date}, prend fin le {end}.",
        Key::AlreadyCancelledOpen => "Déjà résilié le {date}.",
        Key::OfferBelow => "Avant de partir, ceci pourrait vous intéresser :",
        Key::CopyBrand => "Votre abonnement",
        Key::CopyTitle => "Avant de partir, {{first_name | un instant}}",
        Key::CopyMessage => "La résiliation met fin à votre {{subscription.product.name | abonnement}} à la fin de la période de facturation en cours. Tout ce que vous avez configuré reste ici si vous revenez.",
        Key::CopyPrompt => "Pourriez-vous nous dire pourquoi vous partez ? (facultatif)",
        Key::CopyAccept => "Accepter l'offre",
        Key::ReasonTooExpensive => "C'est trop cher",
        Key::ReasonUnused => "Je ne l'utilise pas assez",
        Key::ReasonMissingFeatures => "Il manque des fonctionnalités dont j'ai besoin",
        Key::ReasonSwitched => "Je passe à un autre service",
        Key::ReasonTooComplex => "C'est trop compliqué à utiliser",
        Key::ReasonLowQuality => "Ça ne fonctionne pas assez bien",
        Key::ReasonSupport => "J'ai eu une mauvaise expérience avec le support",
        Key::ReasonOther => "Autre chose",
        Key::FollowFeatures => "Quelles fonctionnalités ?",
        Key::FollowService => "Lequel, si ce n'est pas indiscret ?",
        Key::FollowOther => "Dites-nous en plus",
    }
}
