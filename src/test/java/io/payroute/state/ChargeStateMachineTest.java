package io.payroute.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payroute.charge.ChargeStatus;
import io.payroute.refund.RefundStatus;
import org.junit.jupiter.api.Test;

class ChargeStateMachineTest {

    @Test
    void finalStatesNeverMove() {
        for (ChargeStatus to : ChargeStatus.values()) {
            assertThat(ChargeStateMachine.allows(ChargeStatus.SUCCEEDED, to)).isFalse();
            assertThat(ChargeStateMachine.allows(ChargeStatus.FAILED, to)).isFalse();
        }
        assertThatThrownBy(() -> ChargeStateMachine.check("ch_x", ChargeStatus.SUCCEEDED, ChargeStatus.PENDING))
                .isInstanceOf(StateMachine.IllegalTransitionException.class)
                .hasMessageContaining("succeeded").hasMessageContaining("pending");
    }

    @Test
    void pendingMayResolveEitherWay() {
        assertThat(ChargeStateMachine.allows(ChargeStatus.PENDING, ChargeStatus.SUCCEEDED)).isTrue();
        assertThat(ChargeStateMachine.allows(ChargeStatus.PENDING, ChargeStatus.FAILED)).isTrue();
        assertThat(ChargeStateMachine.allows(ChargeStatus.REQUIRES_ACTION, ChargeStatus.SUCCEEDED)).isTrue();
    }

    @Test
    void aRefundIsCreatedPendingAndEndsOnce() {
        assertThat(RefundStateMachine.allows(RefundStatus.PENDING, RefundStatus.SUCCEEDED)).isTrue();
        assertThat(RefundStateMachine.allows(RefundStatus.PENDING, RefundStatus.FAILED)).isTrue();
        for (RefundStatus to : RefundStatus.values()) {
            assertThat(RefundStateMachine.allows(RefundStatus.SUCCEEDED, to)).isFalse();
            assertThat(RefundStateMachine.allows(RefundStatus.FAILED, to)).isFalse();
        }
        assertThatThrownBy(() -> RefundStateMachine.check("rf_x", RefundStatus.FAILED, RefundStatus.SUCCEEDED))
                .isInstanceOf(StateMachine.IllegalTransitionException.class).hasMessageContaining("failed to succeeded");
    }
}
