package dev.pretext.integration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * pretext serve's web view used as a person uses it, in headless Chromium: a recipe with a mistake is refused
 * with its file:line on the page; the corrected recipe is submitted through the form, trains on the real
 * bundles while the page draws its loss live, finishes, and its page shows the probe table. The screenshot of
 * that page is written to target/screenshots/ (docs/images/serve-job.png is one of them).
 */
class BrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path temp;

    private ServeProcess server;
    private WebDriver browser;

    @AfterEach
    void stop() throws InterruptedException {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void submitThroughThePageWatchItFinishAndOpenTheRun() throws Exception {
        // run-tests installs Debian's chromium and chromium-driver; a machine without them cannot run a browser.
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (./run-tests installs them)");
        Path cache = temp.resolve("cache");
        Path home = temp.resolve("home");
        String token = ServeProcess.addUser(cache, home, "ada", temp.resolve("add-user.txt"));
        server = ServeProcess.start(cache, home, temp.resolve("server.txt"));
        browser = chrome();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

        String recipe = ServeProcess.tinyRecipe("name: tiny", "name: browser", "budget: {steps: 40}",
                "budget: {steps: 60}", "  train: {type: tts, minutes: 0.5, speakers: 2, seed: 1}\n",
                "  train: {type: tts, minutes: 0.5, speakers: 2, seed: 1}\n"
                        + "  probe: {type: tts, minutes: 2, speakers: 4, seed: 2}\n",
                "checkpoint: {every_steps: 4, keep: 20}\n", "checkpoint: {every_steps: 20}\n"
                        + "probes:\n  tasks: [{type: phone-frames}, {type: speakers}]\n"
                        + "  baselines: [features, random]\n  seeds: [1]\n");
        browser.get(server.url() + "/#/submit");
        WebElement tokenField = wait.until(ExpectedConditions.elementToBeClickable(By.id("token")));
        tokenField.sendKeys(token, Keys.TAB); // kept for the session, as a user pastes it once
        WebElement name = browser.findElement(By.id("submit-name"));
        name.clear();
        name.sendKeys("browser.yaml");
        WebElement yaml = browser.findElement(By.id("submit-yaml"));

        // A misspelt key is refused on the page with where it is; nothing is queued.
        yaml.sendKeys(recipe.replace("budget: {steps: 60}", "budget: {stepz: 60}"));
        browser.findElement(By.id("submit-go")).click();
        String error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error"))).getText();
        assertTrue(error.contains("browser.yaml:4"), "the mistake's file and line (tiny.yaml's budget): " + error);
        assertTrue(error.contains("budget"), error);

        yaml.clear();
        yaml.sendKeys(recipe);
        browser.findElement(By.id("submit-go")).click();
        wait.until(ExpectedConditions.urlMatches("#/jobs/\\d+$"));
        String jobUrl = browser.getCurrentUrl();

        // The loss is drawn while it trains, then the job finishes and its probe table appears.
        new WebDriverWait(browser, Duration.ofMinutes(5)).until(ExpectedConditions.textMatches(By.id("last-step"),
                java.util.regex.Pattern.compile("step \\d+: loss")));
        new WebDriverWait(browser, Duration.ofMinutes(10)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#job-state [data-state='finished']")));
        WebElement probes = new WebDriverWait(browser, Duration.ofMinutes(1)).until(
                ExpectedConditions.visibilityOfElementLocated(By.id("probes")));
        String table = probes.getText();
        for (String row : List.of("pretrained phone-frames accuracy", "random phone-frames accuracy",
                "features speakers accuracy")) {
            assertTrue(table.contains(row), "probe table has '" + row + "': " + table);
        }
        String score = browser.findElement(By.id("overall-score")).getText();
        assertTrue(score.matches("overall score: .*pretrained -?[0-9.]+.*"), score);
        assertTrue(browser.findElement(By.id("last-step")).getText().startsWith("step 60: loss"),
                browser.findElement(By.id("last-step")).getText());
        assertTrue(browser.findElement(By.id("recipe")).getText().contains("name: browser"));
        screenshot("serve-job.png");

        // The queue lists it as finished, and the plugins page shows the inventory.
        browser.get(server.url() + "/#/");
        String id = jobUrl.replaceAll(".*#/jobs/", "");
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-job='" + id + "'] [data-state]")));
        assertEquals("finished", row.getAttribute("data-state"));
        screenshot("serve-queue.png");
        browser.get(server.url() + "/#/plugins");
        String plugins = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("plugins"))).getText();
        assertTrue(plugins.contains("objective mam"), plugins);
        assertTrue(plugins.contains("probe phone-frames"), plugins);
    }

    private WebDriver chrome() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1100");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).build();
        return new ChromeDriver(service, options);
    }

    private void screenshot(String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
