-- What the customer must do to finish a requires_action charge (3-D Secure redirect, OTP, ...), as JSON
-- {type, url?, message?}; cleared when the charge leaves requires_action.
ALTER TABLE charges ADD COLUMN next_action VARCHAR(2000);
