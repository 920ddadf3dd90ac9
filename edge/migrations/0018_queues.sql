-- Webhook deliveries, confirmation e-mails and pending Stripe operations
-- go through Cloudflare Queues. The outbox stays the truth: the batch that
-- changes state writes the delivery, e-mail or operation; a relay enqueues
-- it; the consumer records each attempt. `queued_at`: until when a queue
-- holds it (0: never enqueued). The relay after a request takes the never
-- enqueued; a retry is held by the queue until it is due; the cron's sweep
-- takes what is due and no queue has held for a minute (lost).
-- `dead_lettered_at`: when its message reached the dead-letter queue
-- (shown in the delivery log and on the Operations page; a replay clears it).
ALTER TABLE webhook_deliveries ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_deliveries ADD COLUMN dead_lettered_at INTEGER;
ALTER TABLE emails ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE operations ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
-- The Operations page's list of dead letters, newest first.
CREATE INDEX webhook_deliveries_dead ON webhook_deliveries(dead_lettered_at) WHERE dead_lettered_at IS NOT NULL;
