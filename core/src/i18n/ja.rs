//! Japanese.

use super::Key;

pub fn text(key: Key) -> &'static str {
    match key {
        Key::PageTitle => "サブスクリプションの解約",
        Key::Loading => "読み込み中…",
        Key::LoadError => "このページを開けません",
        Key::NetworkError => {
            "サーバーに接続できませんでした。接続を確認して、もう一度お試しください。"
        }
        Key::Cancel => "解約する",
        Key::Cancelling => "解約しています…",
        Key::Keep => "サブスクリプションを続ける",
        Key::DeclineOffer => "いいえ、解約します",
        Key::Continue => "続ける",
        Key::SurveyOptional => "回答は任意です。",
        Key::CancelledHeading => "サブスクリプションは解約されました",
        Key::CancelledMessage => "ご利用ありがとうございました。またのご利用をお待ちしております。",
        Key::PendingHeading => "解約手続き中です",
        Key::PendingMessage => {
            "解約のお申し込みを受け付け、手続きを進めています。これ以上の操作は不要です。"
        }
        Key::KeptHeading => "サブスクリプションは継続されます",
        Key::KeptMessage => "ありがとうございます。サブスクリプションはこのまま継続されます。",
        Key::OfferAppliedHeading => "特典が適用されました",
        Key::OfferPendingHeading => "特典を適用しています",
        Key::OfferThanks => "引き続きご利用いただきありがとうございます。",
        Key::AccessUntil => "{date}までご利用いただけます。",
        Key::NextPaymentInstead => "次回のお支払い：{old}ではなく{new}。",
        Key::NextPayment => "次回のお支払い：{new}。",
        Key::NextCharge => "次回の請求日：{date}。",
        Key::PausedUntil => "{date}までサービスの提供と請求が停止されます。",
        Key::ResumesOn => "{date}から通常料金でサブスクリプションが再開されます。",
        Key::FreeUntil => "{date}まで無料ですべての機能をご利用いただけます。",
        Key::DirectHeading => "契約の解約",
        Key::DirectButton => "今すぐ解約する",
        Key::EntryLink => "契約の解約はこちら",
        Key::ContractLabel => "契約",
        Key::CustomerLabel => "お客様",
        Key::SubscriptionLabel => "サブスクリプションID",
        Key::KindLegend => "解約の種類",
        Key::Ordinary => "通常解約（{date}付け）",
        Key::OrdinaryNext => "通常解約（最短の解約日）",
        Key::Extraordinary => "重大な理由による即時解約",
        Key::ExtraordinaryReason => "即時解約の理由",
        Key::ReasonRequired => "即時解約の理由を入力してください。",
        Key::EmailLabel => "確認メールの送信先",
        Key::ReceiptHeading => "解約受付の確認",
        Key::ReceivedLabel => "受付日時",
        Key::EndsLabel => "契約終了日",
        Key::EndsNext => "最短の解約日",
        Key::ReferenceLabel => "受付番号",
        Key::ReceiptLink => "確認内容を印刷または保存",
        Key::EmailSent => "確認メールを{email}に送信します。",
        Key::EmailSubject => "解約受付の確認（{brand}）",
        Key::EmailIntro => {
            "解約のお申し込みを受け付けました。このメールを確認書として保管してください。"
        }
        Key::Print => "印刷",
        Key::AlreadyCancelled => "{date}に解約済みです。{end}に終了します。",
        Key::AlreadyCancelledOpen => "{date}に解約済みです。",
        Key::OfferBelow => "解約の前に、こちらもご検討ください：",
        Key::CopyBrand => "ご利用中のサブスクリプション",
        Key::CopyTitle => "{{first_name | お客様}}、解約の前に",
        Key::CopyMessage => "解約すると、{{subscription.product.name | サブスクリプション}}は現在の請求期間の終了時に終了します。設定した内容は、再開されるときのために保存されます。",
        Key::CopyPrompt => "解約の理由をお聞かせいただけますか？（任意）",
        Key::CopyAccept => "特典を受け取る",
        Key::ReasonTooExpensive => "料金が高すぎる",
        Key::ReasonUnused => "あまり利用していない",
        Key::ReasonMissingFeatures => "必要な機能が足りない",
        Key::ReasonSwitched => "別のサービスに乗り換える",
        Key::ReasonTooComplex => "使い方が難しすぎる",
        Key::ReasonLowQuality => "期待どおりに動作しない",
        Key::ReasonSupport => "サポートの対応に不満があった",
        Key::ReasonOther => "その他",
        Key::FollowFeatures => "どの機能ですか？",
        Key::FollowService => "差し支えなければ、どのサービスですか？",
        Key::FollowOther => "詳しくお聞かせください",
    }
}
