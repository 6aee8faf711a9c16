-- When PayRoute sent an attempt again as it was (same provider, same reference) because the instance making it
-- stopped mid-call; the provider's duplicate check on the reference makes the second request safe.
ALTER TABLE charge_attempts ADD COLUMN resent_at TIMESTAMP WITH TIME ZONE;
