-- Precancel keeps each app it has read in the isolate's memory and writes
-- a session only in a batch that finds the app still at the revision it
-- read (edge/src/precancel/): a customer's precancel then costs one D1
-- round trip instead of two. Every change to what precancel reads of an
-- app bumps its revision: the app's own row, its enabled webhook endpoints
-- (`has_webhooks`) and the Stripe connection every app's key comes from.
ALTER TABLE apps ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER app_revision AFTER UPDATE ON apps
WHEN NEW.revision = OLD.revision
BEGIN
  UPDATE apps SET revision = OLD.revision + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER app_revision_endpoint_added AFTER INSERT ON webhook_endpoints
BEGIN
  UPDATE apps SET revision = revision + 1 WHERE id = NEW.app_id;
END;

CREATE TRIGGER app_revision_endpoint_changed AFTER UPDATE OF enabled, app_id ON webhook_endpoints
BEGIN
  UPDATE apps SET revision = revision + 1 WHERE id IN (OLD.app_id, NEW.app_id);
END;

CREATE TRIGGER app_revision_endpoint_removed AFTER DELETE ON webhook_endpoints
BEGIN
  UPDATE apps SET revision = revision + 1 WHERE id = OLD.app_id;
END;

CREATE TRIGGER app_revision_key_added AFTER INSERT ON stripe_connection
BEGIN
  UPDATE apps SET revision = revision + 1;
END;

CREATE TRIGGER app_revision_key_changed AFTER UPDATE ON stripe_connection
BEGIN
  UPDATE apps SET revision = revision + 1;
END;

CREATE TRIGGER app_revision_key_removed AFTER DELETE ON stripe_connection
BEGIN
  UPDATE apps SET revision = revision + 1;
END;
