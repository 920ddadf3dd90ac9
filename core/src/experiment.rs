//! Experiences: which audience sees which cancel page, A/B variants with
//! weights, and a holdout that sees no offer. Assignment hashes the
//! experience and the subscription, so a subscriber always lands in the
//! same group however often they come back.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audience::Audience;
use crate::template::Fields;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant {
    pub id: String,
    /// Relative weight among the variants.
    pub weight: u32,
    /// Overrides of the page's copy; the app's own when absent.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// The offers this variant may show, by id; all of the app's when absent.
    #[serde(default)]
    pub offers: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Experience {
    pub id: String,
    pub name: String,
    /// Who sees it; None for everyone.
    #[serde(default)]
    pub audience: Option<String>,
    pub variants: Vec<Variant>,
    /// Share (0–50 %) that sees the page without any offer, to measure lift.
    #[serde(default)]
    pub holdout_percent: u32,
}

/// Where a session landed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    pub experience: String,
    /// The variant's id, or `holdout`.
    pub variant: String,
}

pub const HOLDOUT: &str = "holdout";
const BUCKETS: u64 = 10_000;

/// A stable number in [0, 10000) for this experience and subscriber.
pub fn bucket(experience_id: &str, subject: &str) -> u64 {
    let digest = Sha256::digest(format!("{experience_id}\u{0}{subject}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) % BUCKETS
}

impl Experience {
    /// The holdout takes the first buckets, then the variants by weight.
    pub fn assign(&self, subject: &str) -> Option<Assignment> {
        let b = bucket(&self.id, subject);
        let holdout = u64::from(self.holdout_percent.min(50)) * BUCKETS / 100;
        let done = |variant: &str| {
            Some(Assignment {
                experience: self.id.clone(),
                variant: variant.to_owned(),
            })
        };
        if b < holdout {
            return done(HOLDOUT);
        }
        let total: u64 = self.variants.iter().map(|v| u64::from(v.weight)).sum();
        if total == 0 {
            return None;
        }
        // Scale the rest of the range onto the weights.
        let point = (b - holdout) * total / (BUCKETS - holdout);
        let mut edge = 0;
        for v in &self.variants {
            edge += u64::from(v.weight);
            if point < edge {
                return done(&v.id);
            }
        }
        None
    }

    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.id == id)
    }
}

/// The first experience whose audience matches; None: the app's default page.
pub fn choose<'a>(
    experiences: &'a [Experience],
    audiences: &[Audience],
    fields: &Fields,
) -> Option<&'a Experience> {
    experiences.iter().find(|e| match &e.audience {
        None => true,
        Some(id) => audiences
            .iter()
            .find(|a| &a.id == id)
            .is_some_and(|a| a.matches(fields)),
    })
}

#[cfg(test)]
mod tests;
