package io.payroute.async;

/**
 * A message that cannot be processed yet but will be (its request is in flight elsewhere): the consumer's
 * transaction rolls back and the broker redelivers it after its redelivery delay.
 */
public class RetryLaterException extends RuntimeException {
    public RetryLaterException(String message) {
        super(message, null, false, false);
    }
}
