-- Webhook deliveries go through Cloudflare Queues. The outbox stays the
-- truth: a delivery is written by the batch that makes its event, a relay
-- enqueues it, the consumer records each attempt. `queued_at`: when the
-- relay after a request enqueued it (0: never), so that relay sends each
-- new delivery once; the cron's sweep re-enqueues whatever is due without
-- looking at it. `dead_lettered_at`: when its message reached the
-- dead-letter queue (shown in the delivery log; a replay clears it).
ALTER TABLE webhook_deliveries ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_deliveries ADD COLUMN dead_lettered_at INTEGER;
-- The Operations page's list of dead letters, newest first.
CREATE INDEX webhook_deliveries_dead ON webhook_deliveries(dead_lettered_at) WHERE dead_lettered_at IS NOT NULL;
