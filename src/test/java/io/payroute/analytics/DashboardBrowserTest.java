package io.payroute.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import io.payroute.simulator.Behaviour;
import io.payroute.support.ApiTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless chromium through its chromedriver) against the running service
 * and real charges: it loads without console errors, its charts draw data, a transaction opens in the drill-down,
 * and a dead letter is replayed from the page. Screenshots: target/dashboard.png, target/dashboard-charge.png.
 * Skipped, saying why, where chromium or chromedriver is not installed (.ci/run installs both).
 */
class DashboardBrowserTest extends ApiTestSupport {

    private static final File CHROMIUM = new File(System.getProperty("payroute.test.chromium", "/usr/bin/chromium"));
    private static final File CHROMEDRIVER = new File(System.getProperty("payroute.test.chromedriver", "/usr/bin/chromedriver"));

    private WebDriver browser;

    @BeforeEach
    void startBrowser() {
        assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(), "SKIPPED: the dashboard browser test needs "
                + CHROMIUM + " and " + CHROMEDRIVER + " (Debian: apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1440,2200");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build(), options);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theDashboardShowsRealChargesOpensOneAndReplaysADeadLetter() throws Exception {
        simulators.setBehaviour("stripe", Behaviour.defaults().withLatency(80, 40));
        String succeeded = postCharge(chargeBody(125_000, "NGN", Map.of("paystack", "AUTH_success", "stripe", "pm_card_success")))
                .json().get("id").asText();
        postCharge(chargeBody(40_000, "NGN", Map.of("paystack", "AUTH_decline_insufficient_funds")));
        postCharge(chargeBody(9_900, "USD", Map.of("flutterwave", "flw-t1nf-unavailable", "stripe", "pm_card_success")));
        postCharge(AnalyticsApiTest.cardBody(15_000, "USD", "5399830000000008"));
        String deadLetter = deadLetter();

        browser.get("http://127.0.0.1:" + port + "/dashboard");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(b -> b.findElement(By.id("login")).isDisplayed());
        browser.findElement(By.id("login-key")).sendKeys("adm_test_key");
        browser.findElement(By.id("login-submit")).click();
        wait.until(b -> b.findElement(By.id("updated")).getText().startsWith("updated"));

        // the charts hold the real charges' data
        wait.until(b -> points("chart-timeseries") > 0 && points("chart-routing") > 0 && points("chart-latency") > 0
                && points("chart-failures") > 0);
        assertThat(browser.findElement(By.id("kpi-charges")).getText()).isNotEqualTo("–");
        assertThat(browser.findElements(By.cssSelector("#providers .provider"))).hasSize(3);
        assertThat(browser.findElement(By.cssSelector("[data-provider='paystack'] .badge")).getText()).isEqualTo("CLOSED");
        assertThat(browser.getPageSource()).doesNotContain("adm_test_key");
        screenshot("dashboard.png");

        // drill-down: attempts, the routing decision with scores, events
        browser.findElement(By.cssSelector("#recent tr[data-charge='" + succeeded + "']")).click();
        WebElement drawer = wait.until(b -> b.findElement(By.id("drawer")).isDisplayed() ? b.findElement(By.id("drawer")) : null);
        assertThat(drawer.getText()).contains(succeeded, "SUCCESS", "charge.created", "charge.succeeded");
        assertThat(drawer.findElements(By.cssSelector("[data-table='routing'] tbody tr"))).hasSize(2);
        assertThat(drawer.findElement(By.cssSelector("[data-table='routing'] tbody tr td:nth-child(2)")).getText())
                .as("the score: the expected net value, in the charge's currency").containsPattern("NGN.*[1-9]");
        screenshot("dashboard-charge.png");
        browser.findElement(By.id("drawer-close")).click();

        // replay: the dead letter goes back to its queue (and, still unacceptable, comes back with a new id)
        WebElement row = wait.until(b -> b.findElement(By.cssSelector("#dead-letters tr[data-dead-letter='" + deadLetter + "']")));
        row.findElement(By.cssSelector("button.replay")).click();
        wait.until(b -> b.findElement(By.id("toast")).getText().equals("Replayed 1 message"));
        wait.until(b -> b.findElements(By.cssSelector("#dead-letters tr[data-dead-letter='" + deadLetter + "']")).isEmpty());
        assertThat(admin("GET", "/v1/admin/dead-letters").text()).doesNotContain(deadLetter);

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertThat(errors).as("console errors and warnings").isEmpty();
    }

    /** The values a chart draws (non-null points across its datasets), read through Chart.js itself. */
    private long points(String canvas) {
        Object n = ((JavascriptExecutor) browser).executeScript(
                "const c = Chart.getChart(arguments[0]); if (!c) return 0;"
                        + " return c.data.datasets.reduce((n, d) => n + d.data.filter(v => v !== null && v > 0).length, 0);", canvas);
        return ((Number) n).longValue();
    }

    private void screenshot(String name) throws Exception {
        Path file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(file, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }
}
