-- Outgoing webhooks. Every audit-trail entry that announces an event puts a
-- message in the outbox, and a delivery per subscribed endpoint, in the
-- same transaction as the entry, which is written in the same D1 batch as
-- the state change it records: no event is lost, none is invented.

CREATE TABLE webhook_endpoints (
  id                    TEXT PRIMARY KEY,
  app_id                TEXT NOT NULL REFERENCES apps(id),
  url                   TEXT NOT NULL,
  -- whsec_<base64>: needed in clear to sign.
  secret                TEXT NOT NULL,
  previous_secret       TEXT,
  previous_valid_until  INTEGER,
  -- JSON array of event types; [] is every event.
  event_types           TEXT NOT NULL DEFAULT '[]',
  enabled               INTEGER NOT NULL DEFAULT 1,
  disabled_reason       TEXT,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_app ON webhook_endpoints(app_id);

CREATE TABLE webhook_messages (
  -- The webhook-id: the same for every attempt and every endpoint.
  id                TEXT PRIMARY KEY,
  app_id            TEXT NOT NULL,
  session_id        TEXT,
  type              TEXT NOT NULL,
  -- The audit entry the payload is rendered from, or the payload itself
  -- (test events).
  session_event_id  INTEGER UNIQUE,
  payload           TEXT,
  created_at        INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id       TEXT NOT NULL REFERENCES webhook_messages(id),
  endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints(id),
  -- pending | delivered | failed
  status           TEXT NOT NULL DEFAULT 'pending',
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_until      INTEGER NOT NULL DEFAULT 0,
  last_status      INTEGER,
  last_error       TEXT,
  last_latency_ms  INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (message_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id);

CREATE TABLE webhook_attempts (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id  INTEGER NOT NULL REFERENCES webhook_deliveries(id),
  at           INTEGER NOT NULL,
  status       INTEGER,
  latency_ms   INTEGER NOT NULL,
  error        TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id);

-- The audit kinds that are events, and their types (holdfast_core::webhook
-- ::event_type_of holds the same table; a test compares them).
CREATE TRIGGER webhook_outbox AFTER INSERT ON session_events
WHEN NEW.kind IN ('session_started', 'reason_chosen', 'offer_accepted', 'cancel_requested', 'cancel_recorded',
                  'cancel_completed', 'deflected', 'save_kept', 'save_lost')
BEGIN
  INSERT INTO webhook_messages (id, app_id, session_id, type, session_event_id, created_at)
  SELECT 'msg_' || lower(hex(randomblob(12))), s.app_id, s.id,
    CASE NEW.kind
      WHEN 'session_started' THEN 'session.started'
      WHEN 'reason_chosen' THEN 'reason.chosen'
      WHEN 'offer_accepted' THEN 'offer.accepted'
      WHEN 'cancel_requested' THEN 'cancel.requested'
      WHEN 'cancel_recorded' THEN 'cancel.requested'
      WHEN 'cancel_completed' THEN 'cancel.completed'
      WHEN 'deflected' THEN 'session.deflected'
      WHEN 'save_kept' THEN 'save.confirmed'
      WHEN 'save_lost' THEN 'save.lost'
    END,
    NEW.id, NEW.created_at
  FROM sessions s WHERE s.id = NEW.session_id;

  INSERT INTO webhook_deliveries (message_id, endpoint_id, next_attempt_at, created_at, updated_at)
  SELECT m.id, e.id, m.created_at, m.created_at, m.created_at
  FROM webhook_messages m JOIN webhook_endpoints e ON e.app_id = m.app_id
  WHERE m.session_event_id = NEW.id AND e.enabled = 1
    AND (e.event_types = '[]' OR EXISTS (SELECT 1 FROM json_each(e.event_types) j WHERE j.value = m.type));
END;
