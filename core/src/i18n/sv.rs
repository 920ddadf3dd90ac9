//! Swedish.

use super::Key;

pub fn text(key: Key) -> &'static str {
    match key {
        Key::PageTitle => "Säg upp ditt abonnemang",
        Key::Loading => "Laddar…",
        Key::LoadError => "Vi kan inte öppna den här sidan",
        Key::NetworkError => {
            "Vi kunde inte nå servern. Kontrollera din anslutning och försök igen."
        }
        Key::Cancel => "Säg upp abonnemang",
        Key::Cancelling => "Sägs upp…",
        Key::Keep => "Behåll mitt abonnemang",
        Key::DeclineOffer => "Nej tack, säg upp mitt abonnemang",
        Key::Continue => "Fortsätt",
        Key::SurveyOptional => "Det är frivilligt att svara.",
        Key::CancelledHeading => "Ditt abonnemang är uppsagt",
        Key::CancelledMessage => "Tråkigt att du lämnar oss. Tack för att du har varit med oss.",
        Key::PendingHeading => "Din uppsägning behandlas",
        Key::PendingMessage => {
            "Vi har tagit emot din uppsägning och slutför den. Du behöver inte göra något mer."
        }
        Key::KeptHeading => "Ditt abonnemang fortsätter",
        Key::KeptMessage => "Toppen, ditt abonnemang förblir som det är.",
        Key::OfferAppliedHeading => "Ditt erbjudande är aktiverat",
        Key::OfferPendingHeading => "Ditt erbjudande aktiveras",
        Key::OfferThanks => "Tack för att du stannar hos oss.",
        Key::AccessUntil => "Du behåller tillgången till {date}.",
        Key::NextPaymentInstead => "Din nästa betalning: {new} i stället för {old}.",
        Key::NextPayment => "Din nästa betalning: {new}.",
        Key::NextCharge => "Nästa debitering {date}.",
        Key::PausedUntil => "Ingen tjänst och inga debiteringar till {date}.",
        Key::ResumesOn => "Ditt abonnemang fortsätter {date} till ordinarie pris.",
        Key::FreeUntil => "Full tillgång gratis till {date}.",
        Key::DirectHeading => "Säg upp ditt avtal",
        Key::DirectButton => "Säg upp nu",
        Key::EntryLink => "Säg upp avtal här",
        Key::ContractLabel => "Avtal",
        Key::CustomerLabel => "Kund",
        Key::SubscriptionLabel => "Abonnemangsnummer",
        Key::KindLegend => "Typ av uppsägning",
        Key::Ordinary => "Ordinarie uppsägning, gäller från {date}",
        Key::OrdinaryNext => "Ordinarie uppsägning till närmast möjliga datum",
        Key::Extraordinary => "Extraordinär uppsägning av särskilda skäl",
        Key::ExtraordinaryReason => "Skäl för den extraordinära uppsägningen",
        Key::ReasonRequired => "Ange skälet för den extraordinära uppsägningen.",
        Key::EmailLabel => "E-postadress för din bekräftelse",
        Key::ReceiptHeading => "Bekräftelse på din uppsägning",
        Key::ReceivedLabel => "Mottagen",
        Key::EndsLabel => "Abonnemanget upphör",
        Key::EndsNext => "till närmast möjliga datum",
        Key::ReferenceLabel => "Referens",
        Key::ReceiptLink => "Skriv ut eller spara din bekräftelse",
        Key::EmailSent => "En bekräftelse skickas till {email}.",
        Key::EmailSubject => "Bekräftelse på din uppsägning ({brand})",
        Key::EmailIntro => {
            "Vi har tagit emot din uppsägning. Spara detta e-postmeddelande som bekräftelse."
        }
        Key::Print => "Skriv ut",
        Key::AlreadyCancelled => "Redan uppsagt den {date}, upphör den {end}.",
        Key::AlreadyCancelledOpen => "Redan uppsagt den {date}.",
        Key::OfferBelow => "Innan du går kanske detta intresserar dig:",
        Key::CopyBrand => "Ditt abonnemang",
        Key::CopyTitle => "Innan du går, {{first_name | ett ögonblick}}",
        Key::CopyMessage => "Uppsägningen avslutar ditt {{subscription.product.name | abonnemang}} vid slutet av den aktuella faktureringsperioden. Allt du har ställt in finns kvar om du kommer tillbaka.",
        Key::CopyPrompt => "Vill du berätta varför du lämnar oss? (frivilligt)",
        Key::CopyAccept => "Anta erbjudandet",
        Key::ReasonTooExpensive => "Det är för dyrt",
        Key::ReasonUnused => "Jag använder det för lite",
        Key::ReasonMissingFeatures => "Det saknar funktioner jag behöver",
        Key::ReasonSwitched => "Jag byter till en annan tjänst",
        Key::ReasonTooComplex => "Det är för svårt att använda",
        Key::ReasonLowQuality => "Det fungerar inte tillräckligt bra",
        Key::ReasonSupport => "Jag hade en dålig upplevelse av supporten",
        Key::ReasonOther => "Något annat",
        Key::FollowFeatures => "Vilka funktioner?",
        Key::FollowService => "Vilken, om vi får fråga?",
        Key::FollowOther => "Berätta mer",
    }
}
