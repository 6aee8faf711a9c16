package io.payroute.analytics;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Failure-spike alerts ({@code payroute.alerts.*}): when a provider's or a bank's success rate counts as dropping. */
@ConfigurationProperties("payroute.alerts")
public class AlertProperties {

    /** The recent window whose success rate is watched. */
    private Duration window = Duration.ofSeconds(30);
    /** The period before the window that gives the baseline rate. */
    private Duration baseline = Duration.ofMinutes(10);
    /** Outcomes both the window and the baseline need before anything is concluded. */
    private int minSamples = 20;
    /** An alert opens when the rate is this far (absolute, 0.2 = 20 points) below the baseline. */
    private double drop = 0.2;

    public Duration getWindow() { return window; }
    public void setWindow(Duration window) { this.window = window; }
    public Duration getBaseline() { return baseline; }
    public void setBaseline(Duration baseline) { this.baseline = baseline; }
    public int getMinSamples() { return minSamples; }
    public void setMinSamples(int minSamples) { this.minSamples = minSamples; }
    public double getDrop() { return drop; }
    public void setDrop(double drop) { this.drop = drop; }
}
