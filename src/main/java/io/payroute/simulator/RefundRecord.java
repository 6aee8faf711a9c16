package io.payroute.simulator;

/** A refund together with the charge it refunds (as recorded right after it): what a dialect renders. */
record RefundRecord(ChargeRecord charge, RefundEntry refund) {
}
