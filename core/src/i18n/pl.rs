//! Polish.

use super::Key;

pub fn text(key: Key) -> &'static str {
    match key {
        Key::PageTitle => "Anuluj subskrypcję",
        Key::Loading => "Ładowanie…",
        Key::LoadError => "Nie można otworzyć tej strony",
        Key::NetworkError => {
            "Nie udało się połączyć z serwerem. Sprawdź połączenie i spróbuj ponownie."
        }
        Key::Cancel => "Anuluj subskrypcję",
        Key::Cancelling => "Anulowanie…",
        Key::Keep => "Zachowaj subskrypcję",
        Key::DeclineOffer => "Nie, dziękuję, anuluj subskrypcję",
        Key::Continue => "Dalej",
        Key::SurveyOptional => "Odpowiedź jest dobrowolna.",
        Key::CancelledHeading => "Twoja subskrypcja została anulowana",
        Key::CancelledMessage => "Przykro nam, że odchodzisz. Dziękujemy, że byłeś z nami.",
        Key::PendingHeading => "Twoje anulowanie jest w toku",
        Key::PendingMessage => {
            "Otrzymaliśmy Twoje wypowiedzenie i je finalizujemy. Nie musisz nic więcej robić."
        }
        Key::KeptHeading => "Twoja subskrypcja trwa dalej",
        Key::KeptMessage => "Świetnie, Twoja subskrypcja pozostaje bez zmian.",
        Key::OfferAppliedHeading => "Twoja oferta została zastosowana",
        Key::OfferPendingHeading => "Twoja oferta jest w trakcie realizacji",
        Key::OfferThanks => "Dziękujemy, że zostajesz z nami.",
        Key::AccessUntil => "Zachowujesz dostęp do {date}.",
        Key::NextPaymentInstead => "Twoja następna płatność: {new} zamiast {old}.",
        Key::NextPayment => "Twoja następna płatność: {new}.",
        Key::NextCharge => "Następne obciążenie: {date}.",
        Key::PausedUntil => "Brak usługi i brak opłat do {date}.",
        Key::ResumesOn => "Twoja subskrypcja zostanie wznowiona {date} w zwykłej cenie.",
        Key::FreeUntil => "Pełny dostęp za darmo do {date}.",
        Key::DirectHeading => "Wypowiedz umowę",
        Key::DirectButton => "Wypowiedz teraz",
        Key::EntryLink => "Wypowiedz umowę tutaj",
        Key::ContractLabel => "Umowa",
        Key::CustomerLabel => "Klient",
        Key::SubscriptionLabel => "Nr subskrypcji",
        Key::KindLegend => "Rodzaj wypowiedzenia",
        Key::Ordinary => "Zwykłe wypowiedzenie ze skutkiem na {date}",
        Key::OrdinaryNext => "Zwykłe wypowiedzenie z najbliższym możliwym terminem",
        Key::Extraordinary => "Nadzwyczajne wypowiedzenie z ważnej przyczyny",
        Key::ExtraordinaryReason => "Przyczyna nadzwyczajnego wypowiedzenia",
        Key::ReasonRequired => "Podaj przyczynę nadzwyczajnego wypowiedzenia.",
        Key::EmailLabel => "Adres e-mail do potwierdzenia",
        Key::ReceiptHeading => "Potwierdzenie wypowiedzenia",
        Key::ReceivedLabel => "Otrzymano",
        Key::EndsLabel => "Koniec subskrypcji",
        Key::EndsNext => "z najbliższym możliwym terminem",
        Key::ReferenceLabel => "Numer referencyjny",
        Key::ReceiptLink => "Wydrukuj lub zapisz potwierdzenie",
        Key::EmailSent => "Potwierdzenie zostanie wysłane na adres {email}.",
        Key::EmailSubject => "Potwierdzenie wypowiedzenia ({brand})",
        Key::EmailIntro => {
            "Otrzymaliśmy Twoje wypowiedzenie. Zachowaj tę wiadomość jako potwierdzenie."
        }
        Key::Print => "Drukuj",
        Key::AlreadyCancelled => "Już wypowiedziano {date}, kończy się {end}.",
        Key::AlreadyCancelledOpen => "Już wypowiedziano {date}.",
        Key::OfferBelow => "Zanim odejdziesz, może Cię zainteresować:",
        Key::CopyBrand => "Twoja subskrypcja",
        Key::CopyTitle => "Zanim odejdziesz, {{first_name | chwileczkę}}",
        Key::CopyMessage => "Po anulowaniu {{subscription.product.name | Twoja subskrypcja}} wygasa z końcem bieżącego okresu rozliczeniowego. Wszystko, co skonfigurowałeś, zostanie tutaj, jeśli wrócisz.",
        Key::CopyPrompt => "Powiesz nam, dlaczego odchodzisz? (opcjonalnie)",
        Key::CopyAccept => "Przyjmij ofertę",
        Key::ReasonTooExpensive => "Jest za drogo",
        Key::ReasonUnused => "Za mało z tego korzystam",
        Key::ReasonMissingFeatures => "Brakuje mi potrzebnych funkcji",
        Key::ReasonSwitched => "Przechodzę do innej usługi",
        Key::ReasonTooComplex => "Jest zbyt trudne w obsłudze",
        Key::ReasonLowQuality => "Nie działa wystarczająco dobrze",
        Key::ReasonSupport => "Miałem złe doświadczenie z obsługą klienta",
        Key::ReasonOther => "Coś innego",
        Key::FollowFeatures => "Jakich funkcji?",
        Key::FollowService => "Do której, jeśli można zapytać?",
        Key::FollowOther => "Powiedz nam więcej",
    }
}
