use super::*;
use crate::audience::{Match, Op, Rule};
use proptest::prelude::*;

fn variant(id: &str, weight: u32) -> Variant {
    Variant {
        id: id.into(),
        weight,
        title: None,
        message: None,
        offers: None,
    }
}

fn experience(holdout: u32, variants: Vec<Variant>) -> Experience {
    Experience {
        id: "exp".into(),
        name: "Exp".into(),
        audience: None,
        variants,
        holdout_percent: holdout,
    }
}

#[test]
fn the_first_matching_audience_wins_and_none_means_everyone() {
    let yearly = Audience {
        id: "yearly".into(),
        name: "Yearly".into(),
        r#match: Match::All,
        rules: vec![Rule {
            field: "subscription.plan.interval".into(),
            op: Op::Equals,
            value: "year".into(),
        }],
    };
    let exps = vec![
        Experience {
            audience: Some("yearly".into()),
            id: "y".into(),
            ..experience(0, vec![variant("a", 1)])
        },
        Experience {
            audience: None,
            id: "all".into(),
            ..experience(0, vec![variant("a", 1)])
        },
    ];
    let mut f = Fields::new();
    f.insert("subscription.plan.interval".into(), "year".into());
    assert_eq!(
        choose(&exps, std::slice::from_ref(&yearly), &f).map(|e| e.id.as_str()),
        Some("y")
    );
    f.insert("subscription.plan.interval".into(), "month".into());
    assert_eq!(
        choose(&exps, std::slice::from_ref(&yearly), &f).map(|e| e.id.as_str()),
        Some("all")
    );
    assert_eq!(
        choose(&exps[..1], &[yearly], &f),
        None,
        "no match: the default page"
    );
}

#[test]
fn zero_weights_assign_nothing() {
    assert_eq!(experience(0, vec![variant("a", 0)]).assign("sub_1"), None);
}

proptest! {
    #[test]
    fn assignment_is_stable(subject in "sub_[A-Za-z0-9]{8,20}", holdout in 0u32..50) {
        let e = experience(holdout, vec![variant("a", 1), variant("b", 3)]);
        prop_assert_eq!(e.assign(&subject), e.assign(&subject));
    }

    #[test]
    fn every_subscriber_lands_somewhere(subject in ".{1,40}", w1 in 1u32..10, w2 in 0u32..10, holdout in 0u32..60) {
        let e = experience(holdout, vec![variant("a", w1), variant("b", w2)]);
        let a = e.assign(&subject).expect("assigned");
        prop_assert!(["a", "b", HOLDOUT].contains(&a.variant.as_str()));
    }
}

#[test]
fn assignment_follows_the_weights_and_the_holdout() {
    let e = experience(10, vec![variant("a", 1), variant("b", 3)]);
    let mut counts = std::collections::HashMap::new();
    let n = 20_000;
    for i in 0..n {
        let a = e.assign(&format!("sub_{i}")).expect("assigned");
        *counts.entry(a.variant).or_insert(0u32) += 1;
    }
    let share = |k: &str| f64::from(counts.get(k).copied().unwrap_or(0)) / f64::from(n);
    assert!(
        (share(HOLDOUT) - 0.10).abs() < 0.01,
        "holdout {}",
        share(HOLDOUT)
    );
    assert!((share("a") - 0.225).abs() < 0.015, "a {}", share("a"));
    assert!((share("b") - 0.675).abs() < 0.015, "b {}", share("b"));
}
