package io.payroute.simulator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomePickerTest {

    @Test
    void markersAreMatchedCaseInsensitivelyWithDeclinesFirst() {
        assertThat(OutcomePicker.byToken("AUTH_SUCCESS_1")).isEqualTo(Outcome.SUCCESS);
        assertThat(OutcomePicker.byToken("tok_success_decline_insufficient_funds")).isEqualTo(Outcome.DECLINE_INSUFFICIENT_FUNDS);
        assertThat(OutcomePicker.byToken("x_decline_do_not_honor")).isEqualTo(Outcome.DECLINE_DO_NOT_HONOR);
        assertThat(OutcomePicker.byToken("x_decline_incorrect_pin")).isEqualTo(Outcome.DECLINE_INCORRECT_PIN);
        assertThat(OutcomePicker.byToken("x_decline_expired_card")).isEqualTo(Outcome.DECLINE_EXPIRED_CARD);
        assertThat(OutcomePicker.byToken("x_decline_stolen_card")).isEqualTo(Outcome.DECLINE_STOLEN_CARD);
        assertThat(OutcomePicker.byToken("pending")).isEqualTo(Outcome.PENDING);
        assertThat(OutcomePicker.byToken("requires_action")).isEqualTo(Outcome.REQUIRES_ACTION);
        assertThat(OutcomePicker.byToken("x_error")).isEqualTo(Outcome.ERROR);
        assertThat(OutcomePicker.byToken("x_unavailable")).isEqualTo(Outcome.UNAVAILABLE);
        assertThat(OutcomePicker.byToken("x_ratelimited")).isEqualTo(Outcome.RATE_LIMITED);
        assertThat(OutcomePicker.byToken("x_timeout")).isEqualTo(Outcome.TIMEOUT);
        assertThat(OutcomePicker.byToken("AUTH_plain")).isNull();
    }

    @Test
    void refundMarkersChooseHowRefundsGoAndLeaveTheChargeAlone() {
        assertThat(OutcomePicker.refundByToken("AUTH_REFUND_PENDING")).isEqualTo(RefundOutcome.PENDING);
        assertThat(OutcomePicker.refundByToken("pm_refund_fail")).isEqualTo(RefundOutcome.FAILING);
        assertThat(OutcomePicker.refundByToken("pm_refund_ratelimited")).isEqualTo(RefundOutcome.RATE_LIMITED);
        assertThat(OutcomePicker.refundByToken("pm_pending")).isNull();
        // a refund marker is no charge marker, though "refund_pending" contains "pending"
        assertThat(OutcomePicker.byToken("AUTH_refund_pending")).isNull();
        assertThat(OutcomePicker.byToken("pm_refund_ratelimited")).isNull();
        assertThat(OutcomePicker.byToken("pm_success_refund_pending")).isEqualTo(Outcome.SUCCESS);
        assertThat(OutcomePicker.byToken("pm_refund_fail_pending")).isEqualTo(Outcome.PENDING);
        assertThat(OutcomePicker.byToken("pm_decline_stolen_card_refund_fail")).isEqualTo(Outcome.DECLINE_STOLEN_CARD);
        TestCards.REFUNDS.keySet().forEach(n -> assertThat(OutcomePicker.byCard(n)).as(n).isEqualTo(Outcome.SUCCESS));
    }

    @Test
    void refundsUseNoRandomnessWithoutAnErrorRate() {
        OutcomePicker used = new OutcomePicker(new Random(3));
        OutcomePicker fresh = new OutcomePicker(new Random(3));
        ChargeRecord charge = new ChargeRecord(null, Outcome.SUCCESS, "tok", null, null);
        assertThat(used.pickRefund(charge, Behaviour.defaults(), RefundOutcome.QUEUED)).isEqualTo(RefundOutcome.QUEUED);
        Behaviour rates = Behaviour.defaults().withRates(0.5, 0.2);
        assertThat(run(used, rates)).isEqualTo(run(fresh, rates)); // the charge stream is not shifted
        Behaviour down = Behaviour.defaults().withRates(0, 1.0);
        assertThat(used.pickRefund(charge, down, RefundOutcome.SUCCEEDED)).isEqualTo(RefundOutcome.UNAVAILABLE);
        ChargeRecord marked = new ChargeRecord(null, Outcome.SUCCESS, "tok", null, RefundOutcome.FAILING);
        assertThat(used.pickRefund(marked, down, RefundOutcome.SUCCEEDED)).isEqualTo(RefundOutcome.FAILING);
    }

    @Test
    void cardTableAndLuhn() {
        assertThat(OutcomePicker.byCard("4242424242424242")).isEqualTo(Outcome.SUCCESS);
        assertThat(OutcomePicker.byCard("4000000000000002")).isEqualTo(Outcome.DECLINE_GENERIC);
        assertThat(OutcomePicker.byCard("4000000000009995")).isEqualTo(Outcome.DECLINE_INSUFFICIENT_FUNDS);
        assertThat(OutcomePicker.byCard("4000000000000069")).isEqualTo(Outcome.DECLINE_EXPIRED_CARD);
        assertThat(OutcomePicker.byCard("4000000000000127")).isEqualTo(Outcome.DECLINE_INCORRECT_CVC);
        assertThat(OutcomePicker.byCard("4000002500003155")).isEqualTo(Outcome.REQUIRES_ACTION);
        assertThat(OutcomePicker.byCard("4000000000000119")).isEqualTo(Outcome.ERROR);
        assertThat(OutcomePicker.byCard("5555555555554444")).isNull(); // Luhn-valid, not in the table
        assertThat(OutcomePicker.byCard("4242424242424241")).isEqualTo(Outcome.INVALID_CARD);
        assertThat(OutcomePicker.byCard("abc")).isEqualTo(Outcome.INVALID_CARD);
        TestCards.TABLE.keySet().forEach(n -> assertThat(TestCards.luhnValid(n)).as(n).isTrue());
    }

    @Test
    void seededStatisticsAreReproducibleAndRoughlyRight() {
        Behaviour b = Behaviour.defaults().withRates(0.3, 0.1).withLatency(100, 50);
        List<Outcome> first = run(new OutcomePicker(new Random(7)), b);
        List<Outcome> second = run(new OutcomePicker(new Random(7)), b);
        assertThat(first).isEqualTo(second);
        long declines = first.stream().filter(o -> o == Outcome.DECLINE_GENERIC).count();
        long errors = first.stream().filter(o -> o == Outcome.UNAVAILABLE).count();
        assertThat(declines).isBetween(2400L, 3600L);
        assertThat(errors).isBetween(700L, 1300L);
        OutcomePicker p = new OutcomePicker(new Random(1));
        for (int i = 0; i < 1000; i++) {
            assertThat(p.latency(b)).isBetween(100L, 150L);
        }
    }

    private static List<Outcome> run(OutcomePicker p, Behaviour b) {
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            out.add(p.statistical(b));
        }
        return out;
    }
}
