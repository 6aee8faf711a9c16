package io.payroute.charge;

/**
 * This exchange's provider call ended after another instance had taken its attempt over to send it again: the
 * instance was stalled past its round's lease, not dead. The resend's answer is the one that counts, so this one is
 * not written, and the exchange goes no further (no failover, no settle). A REST caller gets 500 and, retrying with
 * its Idempotency-Key, the resend's outcome; a message is rolled back, and its redelivery finds the round taken.
 */
public class AttemptTakenOverException extends IllegalStateException {

    public AttemptTakenOverException(String chargeId, int seq) {
        super("attempt " + seq + " of charge " + chargeId + " was taken over by another instance while this call was"
                + " running; its answer is not recorded");
    }
}
