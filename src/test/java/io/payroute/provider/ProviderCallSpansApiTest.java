package io.payroute.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import brave.handler.MutableSpan;
import com.fasterxml.jackson.databind.JsonNode;
import io.payroute.simulator.Mode;
import io.payroute.support.ApiTestSupport;
import io.payroute.support.CapturedSpans;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each provider call is one span of the request's trace, tagged with the provider, the kind of call, the charge and
 * the correlation id, and ended with the HTTP status or the failure: what an operator follows in Zipkin.
 */
class ProviderCallSpansApiTest extends ApiTestSupport {

    @Autowired
    private CapturedSpans spans;

    @Test
    void aChargeWithAFailoverHasOneSpanPerProviderCall() {
        simulators.setMode("flutterwave", Mode.UNAVAILABLE);
        JsonNode charge = post("/v1/charges", chargeBody(500_000, "NGN",
                Map.of("flutterwave", "flw-t1nf-success", "paystack", "AUTH_success")), Map.of("X-Request-Id", "trace-test-failover")).json();
        assertThat(charge.get("status").asText()).isEqualTo("succeeded");
        assertThat(charge.at("/attempts/0/provider").asText()).isEqualTo("flutterwave");

        List<MutableSpan> calls = spans.forRequest("trace-test-failover");
        assertThat(calls).hasSize(2);
        MutableSpan refused = calls.get(0);
        MutableSpan charged = calls.get(1);
        assertThat(refused.name()).isEqualTo("provider charge");
        assertThat(refused.remoteServiceName()).isEqualTo("flutterwave");
        assertThat(refused.tag("payroute.result")).isEqualTo("provider_unavailable");
        assertThat(refused.error()).isNotNull();
        assertThat(charged.tag("payroute.provider")).isEqualTo("paystack");
        assertThat(charged.tag("payroute.call")).isEqualTo("charge");
        assertThat(charged.tag("payroute.charge_id")).isEqualTo(charge.get("id").asText());
        assertThat(charged.tag("payroute.result")).isEqualTo("200");
        assertThat(charged.error()).isNull();
        assertThat(charged.finishTimestamp()).isGreaterThanOrEqualTo(charged.startTimestamp());
        // both calls are children of the request's one span
        assertThat(charged.traceId()).isEqualTo(refused.traceId());
        assertThat(charged.parentId()).isNotNull().isEqualTo(refused.parentId());
        assertThat(charged.id()).isNotEqualTo(refused.id());
    }
}
