package io.payroute.webhook.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

import io.payroute.webhook.WebhookProperties;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.springframework.stereotype.Component;

/**
 * Where merchant webhooks may go. A merchant-supplied URL must not turn PayRoute into a way into its own network
 * (SSRF): loopback, private, link-local, shared and multicast addresses are refused unless configuration allows
 * them (payroute.webhooks.allow-loopback / allow-private-networks). Checked when an endpoint is registered, and
 * again on every connection (this is the delivery client's DNS resolver), so a name that later resolves to an
 * internal address is refused too.
 */
@Component
public class EndpointAddressPolicy implements DnsResolver {

    private final WebhookProperties properties;

    public EndpointAddressPolicy(WebhookProperties properties) {
        this.properties = properties;
    }

    /** Why {@code url} may not receive webhooks, or empty when it may. */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("must be an absolute http(s) URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            return Optional.of("must be an absolute http(s) URL");
        }
        if (properties.isRequireHttps() && !scheme.equals("https")) {
            return Optional.of("must use https");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not carry credentials");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("must not have a fragment");
        }
        try {
            resolve(uri.getHost());
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Every address of {@code host}, or a refusal when any of them is one webhooks may not go to. */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new UnknownHostException("host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            String why = forbidden(address);
            if (why != null) {
                throw new UnknownHostException("host " + host + " resolves to " + why + " (" + address.getHostAddress()
                        + "); webhooks are not sent there");
            }
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }

    private String forbidden(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return "an unroutable address";
        }
        if (a.isLoopbackAddress()) {
            return properties.isAllowLoopback() ? null : "a loopback address";
        }
        if (a.isSiteLocalAddress() || a.isLinkLocalAddress() || shared(a) || uniqueLocal(a)) {
            return properties.isAllowPrivateNetworks() ? null : "a private address";
        }
        return null;
    }

    /** 100.64.0.0/10 (carrier-grade NAT), which Java does not count as site-local. */
    private static boolean shared(InetAddress a) {
        byte[] b = a.getAddress();
        return a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }

    /** fc00::/7, IPv6's private range, which Java does not count as site-local either. */
    private static boolean uniqueLocal(InetAddress a) {
        return a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
    }
}
