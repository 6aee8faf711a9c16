package io.payroute.webhook.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.payroute.webhook.WebhookProperties;
import org.junit.jupiter.api.Test;

class EndpointAddressPolicyTest {

    private static EndpointAddressPolicy policy(boolean loopback, boolean privateNetworks, boolean https) {
        WebhookProperties p = new WebhookProperties();
        p.setAllowLoopback(loopback);
        p.setAllowPrivateNetworks(privateNetworks);
        p.setRequireHttps(https);
        return new EndpointAddressPolicy(p);
    }

    @Test
    void internalAddressesAreRefusedByDefault() {
        EndpointAddressPolicy strict = policy(false, false, false);
        for (String url : new String[] {"http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]/x", "http://10.0.0.5/x",
                "http://172.16.3.4/x", "http://192.168.1.1/x", "http://169.254.169.254/latest", "http://100.64.0.1/x",
                "http://[fd12:3456::1]/x", "http://[fe80::1]/x", "http://0.0.0.0/x", "http://224.0.0.1/x"}) {
            assertThat(strict.refusal(url)).as(url).isPresent();
        }
        assertThat(strict.refusal("http://8.8.8.8/hooks")).isEmpty();
        assertThat(strict.refusal("https://93.184.216.34:8443/hooks?x=1")).isEmpty();
    }

    @Test
    void configurationOpensLoopbackAndPrivateRangesSeparately() {
        assertThat(policy(true, false, false).refusal("http://127.0.0.1:9/x")).isEmpty();
        assertThat(policy(true, false, false).refusal("http://10.0.0.5/x")).isPresent();
        assertThat(policy(false, true, false).refusal("http://10.0.0.5/x")).isEmpty();
        assertThat(policy(false, true, false).refusal("http://127.0.0.1/x")).isPresent();
        assertThat(policy(true, true, false).refusal("http://0.0.0.0/x")).as("never").isPresent();
    }

    @Test
    void malformedUrlsAndCredentialsAreRefused() {
        EndpointAddressPolicy p = policy(true, true, false);
        for (String url : new String[] {"hooks", "ftp://8.8.8.8/x", "http://user:pw@8.8.8.8/x", "http://8.8.8.8/x#frag",
                "javascript:alert(1)", "http://", "http://no-such-host.invalid/x"}) {
            assertThat(p.refusal(url)).as(url).isPresent();
        }
        assertThat(policy(false, false, true).refusal("http://8.8.8.8/x")).contains("must use https");
    }
}
