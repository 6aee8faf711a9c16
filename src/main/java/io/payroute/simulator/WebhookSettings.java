package io.payroute.simulator;

import java.net.URI;
import java.util.Locale;

/**
 * Where and when one provider simulator sends its webhooks; changeable at runtime.
 *
 * @param url  the merchant's webhook endpoint (absolute http or https), or null: nothing is sent
 * @param send which outcomes are announced; null means {@link WebhookSend#ASYNC}
 */
public record WebhookSettings(URI url, WebhookSend send) {

    public WebhookSettings {
        send = send == null ? WebhookSend.ASYNC : send;
        if (url != null) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
                throw new Behaviour.InvalidSettingException("url", "url must be an absolute http or https URL");
            }
        }
    }

    /** No URL (nothing is sent until one is set), {@code async} outcomes once it is. */
    public static WebhookSettings defaults() {
        return new WebhookSettings(null, WebhookSend.ASYNC);
    }

    public WebhookSettings withUrl(URI url) {
        return new WebhookSettings(url, send);
    }

    public WebhookSettings withSend(WebhookSend send) {
        return new WebhookSettings(url, send);
    }

    /** Whether an outcome becoming known {@code afterAnswer} (or in the charge call's answer) is to be sent. */
    boolean sends(boolean afterAnswer) {
        return url != null && send.covers(afterAnswer);
    }
}
