-- A public declaration closed by a reviewer (issue 39) is announced as
-- `cancel.resolved` and writes the outcome message to the address Stripe
-- holds: both outbox triggers learn the event kind `request_resolved`.
-- (SQLite cannot alter a trigger: each is dropped and written again.)

DROP TRIGGER webhook_outbox;
CREATE TRIGGER webhook_outbox AFTER INSERT ON session_events
WHEN NEW.kind IN ('session_started', 'reason_chosen', 'offer_accepted', 'cancel_requested', 'cancel_recorded',
                  'cancel_completed', 'request_resolved', 'deflected', 'save_kept', 'save_lost')
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
      WHEN 'request_resolved' THEN 'cancel.resolved'
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

-- A message per recipient the receipt names; one already written for the
-- declaration (its copy) is not written again.
DROP TRIGGER email_outbox;
CREATE TRIGGER email_outbox AFTER INSERT ON session_events
WHEN NEW.kind IN ('cancel_requested', 'cancel_recorded', 'request_resolved')
BEGIN
  INSERT OR IGNORE INTO emails (id, session_id, app_id, recipient, address, next_attempt_at,
                                created_at, updated_at)
  SELECT 'em_' || lower(hex(randomblob(12))), v.session_id, v.app_id, v.recipient, v.address,
         NEW.created_at, NEW.created_at, NEW.created_at
  FROM email_recipients v WHERE v.session_id = NEW.session_id;
END;
