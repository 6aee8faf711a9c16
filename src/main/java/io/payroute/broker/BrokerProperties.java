package io.payroute.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * payroute.broker: the addresses of the queue contract (docs/queues.md), the broker users producers and
 * subscribers log in as, and how the broker redelivers a message whose processing failed.
 */
@ConfigurationProperties("payroute.broker")
public class BrokerProperties {

    /** CORE + AMQP acceptor the embedded broker opens for clients outside the JVM. */
    private String acceptorUrl;
    private Addresses addresses = new Addresses();
    /**
     * Users of the embedded broker (role producer or subscriber). With an external broker the passwords live
     * there; the names still say which merchant a producer may send charges for.
     */
    private List<User> users = new ArrayList<>();
    private Redelivery redelivery = new Redelivery();

    public static class Addresses {
        /** Anycast queue producers send charge requests to. */
        private String requests;
        /** Anycast queue of the async workers (work from REST respond-async, scheduled retries); internal. */
        private String work;
        /** Multicast address every charge event is published on. */
        private String events;
        /** Anycast queue of dead letters: poison messages, exhausted retries, repeated processing failures. */
        private String deadLetters;
        /** Anycast queue of verified provider webhooks, applied by the webhook consumers; internal. */
        private String providerWebhooks;
        /** Durable queue on the events address from which each event is fanned out to merchant endpoints; internal. */
        private String webhookFanout;
        /** Anycast queue of merchant webhook deliveries (one message per attempt, retries scheduled); internal. */
        private String webhookDeliveries;
        /** Multicast address of attempt outcomes, which every instance subscribes to for routing health; internal. */
        private String routingOutcomes;

        public String getRequests() { return requests; }
        public void setRequests(String requests) { this.requests = requests; }
        public String getWork() { return work; }
        public void setWork(String work) { this.work = work; }
        public String getEvents() { return events; }
        public void setEvents(String events) { this.events = events; }
        public String getDeadLetters() { return deadLetters; }
        public void setDeadLetters(String deadLetters) { this.deadLetters = deadLetters; }
        public String getProviderWebhooks() { return providerWebhooks; }
        public void setProviderWebhooks(String providerWebhooks) { this.providerWebhooks = providerWebhooks; }
        public String getWebhookFanout() { return webhookFanout; }
        public void setWebhookFanout(String webhookFanout) { this.webhookFanout = webhookFanout; }
        public String getWebhookDeliveries() { return webhookDeliveries; }
        public void setWebhookDeliveries(String webhookDeliveries) { this.webhookDeliveries = webhookDeliveries; }
        public String getRoutingOutcomes() { return routingOutcomes; }
        public void setRoutingOutcomes(String routingOutcomes) { this.routingOutcomes = routingOutcomes; }
    }

    public static class User {
        private String name;
        private String password;
        private List<String> roles = new ArrayList<>();
        /** For role producer: the merchant whose charges this user may send. */
        private String merchant;

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public List<String> getRoles() { return roles; }
        public void setRoles(List<String> roles) { this.roles = roles; }
        public String getMerchant() { return merchant; }
        public void setMerchant(String merchant) { this.merchant = merchant; }
    }

    /** Broker redelivery of a message whose processing threw (database down, ...), before it is dead-lettered. */
    public static class Redelivery {
        private int maxDeliveryAttempts = 100;
        private Duration delay = Duration.ofSeconds(1);
        private double multiplier = 2;
        private Duration maxDelay = Duration.ofMinutes(1);

        public int getMaxDeliveryAttempts() { return maxDeliveryAttempts; }
        public void setMaxDeliveryAttempts(int maxDeliveryAttempts) { this.maxDeliveryAttempts = maxDeliveryAttempts; }
        public Duration getDelay() { return delay; }
        public void setDelay(Duration delay) { this.delay = delay; }
        public double getMultiplier() { return multiplier; }
        public void setMultiplier(double multiplier) { this.multiplier = multiplier; }
        public Duration getMaxDelay() { return maxDelay; }
        public void setMaxDelay(Duration maxDelay) { this.maxDelay = maxDelay; }

        /** The wait before a message is delivered again after its {@code failures}th failed delivery (from 1). */
        public Duration delayAfter(int failures) {
            double millis = delay.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
            return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
        }
    }

    public Optional<User> user(String name) {
        return users.stream().filter(u -> u.getName().equals(name)).findFirst();
    }

    public String getAcceptorUrl() { return acceptorUrl; }
    public void setAcceptorUrl(String acceptorUrl) { this.acceptorUrl = acceptorUrl; }
    public Addresses getAddresses() { return addresses; }
    public void setAddresses(Addresses addresses) { this.addresses = addresses; }
    public List<User> getUsers() { return users; }
    public void setUsers(List<User> users) { this.users = users; }
    public Redelivery getRedelivery() { return redelivery; }
    public void setRedelivery(Redelivery redelivery) { this.redelivery = redelivery; }
}
