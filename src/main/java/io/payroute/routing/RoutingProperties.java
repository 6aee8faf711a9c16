package io.payroute.routing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the router learns and scores ({@code payroute.routing.*}; docs/routing.md). What integration teams edit, the
 * rules and the per-merchant strategies, is in the rules file instead.
 */
@ConfigurationProperties("payroute.routing")
public class RoutingProperties {

    /** The versioned rules file (rules, splits, strategies per merchant, BIN table); absent: smart for all. */
    private Path rulesFile = Path.of("routing/rules.yaml");
    /** How often the rules file is checked for a change (routes/routing.yaml). */
    private Duration rulesReloadInterval = Duration.ofSeconds(2);
    private Window window = new Window();
    /**
     * The dimension levels success rates are kept at, most specific first; each names some of method, currency,
     * network, bank, amount_band. A charge is scored at the most specific level with enough samples; the
     * provider's whole window is always the last resort.
     */
    private List<List<String>> levels = new ArrayList<>(List.of(
            List.of("method", "currency", "bank", "network"),
            List.of("method", "currency", "bank"),
            List.of("method", "currency", "network"),
            List.of("method", "currency", "amount_band"),
            List.of("method", "currency")));
    /** Upper bounds (exclusive, minor units) of the amount bands, per currency or {@code default}. */
    private Map<String, List<Long>> amountBands = new LinkedHashMap<>(Map.of("default", List.of(5_000L, 50_000L, 500_000L)));
    /**
     * Success rate assumed with no history at all (pooled with every provider's outcomes), and the least number of
     * samples a coarser level's rate is worth as a finer level's prior (more where the provider's windows agree).
     */
    private double priorSuccessRate = 0.9;
    private double priorWeight = 10;
    /**
     * What a successful charge is worth to the merchant, in percent of its amount: 100 counts the whole amount, as
     * a sale lost for good would; lower it where a failed charge is often retried and won anyway.
     */
    private double successValuePercent = 100;
    /** A p95 latency up to the threshold costs nothing; each second beyond it costs this share of the charge's value. */
    private Duration latencyThreshold = Duration.ofSeconds(1);
    private double latencyCostPercentPerSecond = 1;
    /**
     * A provider with a call waiting on this instance longer than this (and than twice its p95 latency) is stalled:
     * scored as half available, so new charges go elsewhere before its calls time out and open its breaker.
     */
    private Duration stalledAfter = Duration.ofSeconds(2);
    /** Share of smart-routed charges hedged by a Thompson draw, the leader included: at most this share is explored. */
    private double explorationShare = 0.05;
    private Sharing sharing = new Sharing();

    /**
     * Success evidence fades by (1 − 2/size) per newer outcome and by e every duration/2, the mean age of a sliding
     * window of {@code size} outcomes and {@code duration}; latency is that sliding window.
     */
    public static class Window {
        private int size = 200;
        private Duration duration = Duration.ofMinutes(10);
        /** A decision names the most specific level with at least this much evidence (success_rate_dimension). */
        private int minSamples = 20;

        public int getSize() { return size; }
        public void setSize(int size) { this.size = size; }
        public Duration getDuration() { return duration; }
        public void setDuration(Duration duration) { this.duration = duration; }
        public int getMinSamples() { return minSamples; }
        public void setMinSamples(int minSamples) { this.minSamples = minSamples; }
    }

    /** Attempt outcomes published on the broker so every instance learns from all of them. */
    public static class Sharing {
        private boolean enabled = true;
        /** Outcomes waiting to be published; beyond this they are dropped (and counted), never waited for. */
        private int queueCapacity = 10_000;
        private Duration timeToLive = Duration.ofSeconds(30);

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public int getQueueCapacity() { return queueCapacity; }
        public void setQueueCapacity(int queueCapacity) { this.queueCapacity = queueCapacity; }
        public Duration getTimeToLive() { return timeToLive; }
        public void setTimeToLive(Duration timeToLive) { this.timeToLive = timeToLive; }
    }

    public Path getRulesFile() { return rulesFile; }
    public void setRulesFile(Path rulesFile) { this.rulesFile = rulesFile; }
    public Duration getRulesReloadInterval() { return rulesReloadInterval; }
    public void setRulesReloadInterval(Duration rulesReloadInterval) { this.rulesReloadInterval = rulesReloadInterval; }
    public Window getWindow() { return window; }
    public void setWindow(Window window) { this.window = window; }
    public List<List<String>> getLevels() { return levels; }
    public void setLevels(List<List<String>> levels) { this.levels = levels; }
    public Map<String, List<Long>> getAmountBands() { return amountBands; }
    public void setAmountBands(Map<String, List<Long>> amountBands) { this.amountBands = amountBands; }
    public double getPriorSuccessRate() { return priorSuccessRate; }
    public void setPriorSuccessRate(double priorSuccessRate) { this.priorSuccessRate = priorSuccessRate; }
    public double getPriorWeight() { return priorWeight; }
    public void setPriorWeight(double priorWeight) { this.priorWeight = priorWeight; }
    public Duration getStalledAfter() { return stalledAfter; }
    public void setStalledAfter(Duration stalledAfter) { this.stalledAfter = stalledAfter; }
    public Duration getLatencyThreshold() { return latencyThreshold; }
    public void setLatencyThreshold(Duration latencyThreshold) { this.latencyThreshold = latencyThreshold; }
    public double getLatencyCostPercentPerSecond() { return latencyCostPercentPerSecond; }
    public void setLatencyCostPercentPerSecond(double latencyCostPercentPerSecond) { this.latencyCostPercentPerSecond = latencyCostPercentPerSecond; }
    public double getSuccessValuePercent() { return successValuePercent; }
    public void setSuccessValuePercent(double successValuePercent) { this.successValuePercent = successValuePercent; }
    public double getExplorationShare() { return explorationShare; }
    public void setExplorationShare(double explorationShare) { this.explorationShare = explorationShare; }
    public Sharing getSharing() { return sharing; }
    public void setSharing(Sharing sharing) { this.sharing = sharing; }
}
