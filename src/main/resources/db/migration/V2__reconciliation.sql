-- Reconciliation: every attempt carries when PayRoute must next ask the provider about it.
-- Set when the attempt is written (a crash mid-call leaves it due), moved along a backoff schedule while the
-- outcome is UNKNOWN or PENDING, cleared once the outcome is final. claimed_until is a lease: the instance
-- whose conditional UPDATE set it works the attempt; an expired lease lets another instance take over.
ALTER TABLE charge_attempts ADD COLUMN next_check_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE charge_attempts ADD COLUMN checks INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE charge_attempts ADD COLUMN claimed_until TIMESTAMP WITH TIME ZONE;
CREATE INDEX charge_attempts_due ON charge_attempts (next_check_at);
