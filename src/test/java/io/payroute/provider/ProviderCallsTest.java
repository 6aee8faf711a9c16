package io.payroute.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;

import io.payroute.charge.AttemptResult;
import io.payroute.charge.Outcome;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.Test;

/** Failure classification: only what proves the provider did not process the request may fail over. */
class ProviderCallsTest {

    @Test
    void failuresBeforeSendingAreNotCharged() {
        assertThat(ProviderCalls.classify(new ConnectException("refused")).outcome()).isEqualTo(Outcome.NOT_CHARGED);
        assertThat(ProviderCalls.classify(new ConnectTimeoutException("connect")).outcome()).isEqualTo(Outcome.NOT_CHARGED);
        assertThat(ProviderCalls.classify(null).code()).isEqualTo("circuit_open");
        AttemptResult unavailable = ProviderCalls.classify(new ProviderCalls.ProviderFailureResponse(503, "{}"));
        assertThat(unavailable.outcome()).isEqualTo(Outcome.NOT_CHARGED);
        assertThat(ProviderCalls.classify(new ProviderCalls.ProviderFailureResponse(429, "{}")).code()).isEqualTo("rate_limited");
    }

    @Test
    void failuresAfterSendingAreUnknown() {
        assertThat(ProviderCalls.classify(new SocketTimeoutException("Read timed out")).outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(ProviderCalls.classify(new NoHttpResponseException("closed")).outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(ProviderCalls.classify(new ProviderCalls.ProviderFailureResponse(500, "{}")).outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(ProviderCalls.classify(new ProviderCalls.ProviderFailureResponse(502, "{}")).outcome()).isEqualTo(Outcome.UNKNOWN);
    }
}
