-- Public declarations are matched in Stripe as they are made (issue 40);
-- one that is not waits in the review list with the reason why
-- (`core::declaration::matching::Unmatched`).
ALTER TABLE sessions ADD COLUMN review_reason TEXT;
