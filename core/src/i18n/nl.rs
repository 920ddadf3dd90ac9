//! Dutch.

use super::Key;

pub fn text(key: Key) -> &'static str {
    match key {
        Key::PageTitle => "Je abonnement opzeggen",
        Key::Loading => "Laden…",
        Key::LoadError => "We kunnen deze pagina niet openen",
        Key::NetworkError => {
            "We konden de server niet bereiken. Controleer je verbinding en probeer het opnieuw."
        }
        Key::Cancel => "Abonnement opzeggen",
        Key::Cancelling => "Bezig met opzeggen…",
        Key::Keep => "Mijn abonnement houden",
        Key::DeclineOffer => "Nee bedankt, mijn abonnement opzeggen",
        Key::Continue => "Doorgaan",
        Key::SurveyOptional => "Antwoorden is niet verplicht.",
        Key::CancelledHeading => "Je abonnement is opgezegd",
        Key::CancelledMessage => "Jammer dat je gaat. Bedankt dat je bij ons was.",
        Key::PendingHeading => "Je opzegging wordt verwerkt",
        Key::PendingMessage => {
            "We hebben je opzegging ontvangen en ronden die af. Je hoeft verder niets te doen."
        }
        Key::KeptHeading => "Je abonnement loopt door",
        Key::KeptMessage => "Mooi, je abonnement blijft zoals het is.",
        Key::OfferAppliedHeading => "Je aanbieding is toegepast",
        Key::OfferPendingHeading => "Je aanbieding wordt toegepast",
        Key::OfferThanks => "Bedankt dat je bij ons blijft.",
        Key::AccessUntil => "Je houdt toegang tot {date}.",
        Key::NextPaymentInstead => "Je volgende betaling: {new} in plaats van {old}.",
        Key::NextPayment => "Je volgende betaling: {new}.",
        Key::NextCharge => "Volgende afschrijving op {date}.",
        Key::PausedUntil => "Geen dienst en geen kosten tot {date}.",
        Key::ResumesOn => "Je abonnement loopt vanaf {date} weer door tegen de gewone prijs.",
        Key::FreeUntil => "Gratis volledige toegang tot {date}.",
        Key::DirectHeading => "Je contract opzeggen",
        Key::DirectButton => "Nu opzeggen",
        Key::EntryLink => "Contract hier opzeggen",
        Key::ContractLabel => "Contract",
        Key::CustomerLabel => "Klant",
        Key::SubscriptionLabel => "Abonnementsnummer",
        Key::KindLegend => "Soort opzegging",
        Key::Ordinary => "Gewone opzegging, per {date}",
        Key::OrdinaryNext => "Gewone opzegging per de eerst mogelijke datum",
        Key::Extraordinary => "Buitengewone opzegging om een dringende reden",
        Key::ExtraordinaryReason => "Reden van de buitengewone opzegging",
        Key::ReasonRequired => "Geef de reden van de buitengewone opzegging op.",
        Key::EmailLabel => "E-mailadres voor je bevestiging",
        Key::ReceiptHeading => "Bevestiging van je opzegging",
        Key::ReceivedLabel => "Ontvangen op",
        Key::EndsLabel => "Einde abonnement",
        Key::EndsNext => "per de eerst mogelijke datum",
        Key::ReferenceLabel => "Referentie",
        Key::ReceiptLink => "Je bevestiging afdrukken of bewaren",
        Key::EmailSent => "Er gaat een bevestiging naar {email}.",
        Key::EmailSubject => "Bevestiging van je opzegging ({brand})",
        Key::EmailIntro => "We hebben je opzegging ontvangen. Bewaar deze e-mail als bevestiging.",
        Key::Print => "Afdrukken",
        Key::OfferBelow => "Voordat je gaat, misschien interessant:",
    }
}
