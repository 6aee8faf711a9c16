package io.payroute.routing;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Weights and windows of the provider score ({@code payroute.routing.*}). */
@ConfigurationProperties("payroute.routing")
public class RoutingProperties {

    /** Outcomes per provider kept in the rolling window. */
    private int windowSize = 100;
    /** Success rate assumed for a provider with no history, and how many samples that belief is worth. */
    private double priorSuccessRate = 0.9;
    private double priorWeight = 10;
    /** A p95 latency at or beyond this scores zero on latency. */
    private Duration latencyThreshold = Duration.ofSeconds(2);
    private Weights weights = new Weights();

    public static class Weights {
        private double successRate = 0.7;
        private double latency = 0.15;
        private double cost = 0.15;

        public double getSuccessRate() { return successRate; }
        public void setSuccessRate(double successRate) { this.successRate = successRate; }
        public double getLatency() { return latency; }
        public void setLatency(double latency) { this.latency = latency; }
        public double getCost() { return cost; }
        public void setCost(double cost) { this.cost = cost; }
    }

    public int getWindowSize() { return windowSize; }
    public void setWindowSize(int windowSize) { this.windowSize = windowSize; }
    public double getPriorSuccessRate() { return priorSuccessRate; }
    public void setPriorSuccessRate(double priorSuccessRate) { this.priorSuccessRate = priorSuccessRate; }
    public double getPriorWeight() { return priorWeight; }
    public void setPriorWeight(double priorWeight) { this.priorWeight = priorWeight; }
    public Duration getLatencyThreshold() { return latencyThreshold; }
    public void setLatencyThreshold(Duration latencyThreshold) { this.latencyThreshold = latencyThreshold; }
    public Weights getWeights() { return weights; }
    public void setWeights(Weights weights) { this.weights = weights; }
}
