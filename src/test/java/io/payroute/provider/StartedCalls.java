package io.payroute.provider;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/** Starts a provider call as the charge flow does before it sends one: for routing tests outside this package. */
public final class StartedCalls {

    private StartedCalls() {
    }

    public static void start(InFlightCalls calls, String provider) {
        calls.started(provider, new DefaultExchange(new DefaultCamelContext()));
    }
}
