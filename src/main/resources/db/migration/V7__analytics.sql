-- Analytics and failure-spike alerts (docs/observability.md). V7, not V6: V6 is reserved for a change in progress.

-- The dimensions analytics groups charges by, as plain columns written with the charge, so that no query parses
-- the payment method's JSON: the method (tokens, card), the issuing bank of a card (as the routing rules' bank
-- table names its BIN, else the BIN; NULL for provider tokens),
-- and the fee the provider that took the money charges for it (minor units of the charge's currency, written when
-- the charge succeeds, from payroute.providers.<p>.fees as configured then).
ALTER TABLE charges ADD COLUMN method VARCHAR(16);
ALTER TABLE charges ADD COLUMN bank VARCHAR(64);
ALTER TABLE charges ADD COLUMN fee BIGINT;
-- charges stored before: the payment method JSON starts with its type, and a card's carries "bin":"<6 digits>"
UPDATE charges SET method = CASE WHEN payment_method LIKE '{"type":"card"%' THEN 'card' ELSE 'tokens' END;
UPDATE charges SET bank = SUBSTRING(payment_method FROM POSITION('"bin":"' IN payment_method) + 7 FOR 6)
WHERE payment_method LIKE '%"bin":"%';

-- The merchant of an attempt's charge, on the attempt: merchant-scoped attempt statistics then read one table.
ALTER TABLE charge_attempts ADD COLUMN merchant_id VARCHAR(64);
UPDATE charge_attempts SET merchant_id = (SELECT c.merchant_id FROM charges c WHERE c.id = charge_attempts.charge_id);

-- No time index is added for the windows: charge ids are ULIDs, so "created since T" is a range of the charges'
-- primary key, and of the attempts' (charge_id, seq) key too (io.payroute.analytics.AnalyticsRepository). Every
-- index would cost each charge another write on its hottest path.

-- Failure spikes: a provider's or a bank's success rate over the last window dropping below its baseline. One
-- row per alert, from when it opened to when it resolved. open_key is "<dimension>:<value>" while the alert is
-- open and NULL once resolved: its unique index lets exactly one instance open an alert for a key, however many
-- evaluate at once.
CREATE TABLE alerts (
    id                  VARCHAR(40)   PRIMARY KEY,
    kind                VARCHAR(32)   NOT NULL,
    dimension           VARCHAR(16)   NOT NULL,
    dimension_value     VARCHAR(64)   NOT NULL,
    open_key            VARCHAR(100),
    baseline_rate       DOUBLE PRECISION NOT NULL,
    baseline_samples    INTEGER       NOT NULL,
    current_rate        DOUBLE PRECISION NOT NULL,
    current_samples     INTEGER       NOT NULL,
    opened_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    resolved_at         TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX alerts_open ON alerts (open_key);
CREATE INDEX alerts_opened ON alerts (opened_at);
