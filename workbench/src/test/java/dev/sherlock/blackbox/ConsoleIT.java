package dev.sherlock.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The web console in a real browser (Debian's chromium, driven through chromedriver by Selenium),
 * served by {@code ./sherlock demo} started as a user starts it: the story shows up live, a
 * session's page has its diff and the chaos line, ending a session from the page puts the service
 * back (as ECS says), a {@code <script>} in a finding stays text, and the keyboard reaches every
 * control. The screenshots the README shows are taken here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
  private static final String TOKEN = "console-token";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** Where the screenshots go; docs/console/ holds the ones the README shows, copied from here. */
  private static final Path SHOTS = Launcher.ROOT.resolve("workbench/target/screenshots");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Launcher.Running demo;
  private static String console;
  private static String sandbox;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    assertThat(CHROMIUM)
        .as("Debian's chromium and chromium-driver (.ci/run installs them)")
        .exists();
    assertThat(CHROMEDRIVER).exists();
    demo =
        new Launcher()
            .with("SHERLOCK_API_TOKEN", TOKEN)
            .start("demo", "--speed", "20", "--for", "8m", "--port", "0", "--keep");
    String sandboxLine = demo.awaitLine(l -> l.contains("sandbox up at"), Duration.ofMinutes(4));
    Matcher s = Pattern.compile("sandbox up at (http://127\\.0\\.0\\.1:\\d+)").matcher(sandboxLine);
    assertThat(s.find()).as(sandboxLine).isTrue();
    sandbox = s.group(1);
    String consoleLine = demo.awaitLine(l -> l.contains("console on"), Duration.ofMinutes(1));
    Matcher c = Pattern.compile("console on (http://127\\.0\\.0\\.1:\\d+)/").matcher(consoleLine);
    assertThat(c.find()).as(consoleLine).isTrue();
    console = c.group(1);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
    browser =
        new ChromeDriver(
            new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(),
            options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (demo != null) {
      demo.terminate(Duration.ofSeconds(60));
    }
  }

  @Test
  @Order(1)
  void theOverviewShowsTheStoryLiveAsItHappens() throws Exception {
    browser.get(console + "/");
    // Opened before the story's sessions: they arrive through the stream, not by reloading.
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> text("#feed").contains("session git-inc-4711 of like-latency-debug-logs"));
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> text("#feed").contains("probable cause on like-service"));
    assertThat(browser.findElements(By.cssSelector("#feed li.new"))).isNotEmpty();
    assertThat(text("#live")).isEqualTo("live");
    screenshot("overview.png"); // mid-story: a session open, findings arriving
    demo.awaitLine(l -> l.contains("--keep:"), Duration.ofMinutes(8));
    browser.navigate().refresh();
    await().until(() -> text("main").contains("Services under watch"));
    assertThat(text("main")).contains("like-service").contains("monolith");
    await().until(() -> text("#live").equals("live"));
  }

  @Test
  @Order(2)
  void aSessionsPageShowsItsDiffTheChaosLineAndTheDiagnosis() throws Exception {
    browser.get(console + "/#/sessions/git-inc-4711");
    await().until(() -> text("main").contains("Changed"));
    assertThat(text(".diff"))
        .contains("~ container like-service: environment LOGLEVEL: \"ERROR\" -> \"DEBUG\"")
        .contains("+ container xray-daemon");
    List<WebElement> highlighted = browser.findElements(By.cssSelector(".log li.hit"));
    assertThat(highlighted)
        .extracting(WebElement::getText)
        .anyMatch(l -> l.contains("WARN: chaos mode injected"));
    assertThat(text("main"))
        .contains("fault injection is on: CHAOSMODE=on")
        .contains("chaos-delay")
        .contains("Put back");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1500));
    screenshot("session.png");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));
  }

  @Test
  @Order(3)
  void aNewFindingAppearsWithoutReloadAndItsScriptIsText() throws Exception {
    browser.get(console + "/");
    await().until(() -> text("main").contains("Latest findings"));
    String reason = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"> slow";
    HttpResponse<String> opened = openSession(reason);
    assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> text("#feed").contains("<script>window.pwned=1</script>"));
    Object pwned = ((JavascriptExecutor) browser).executeScript("return window.pwned;");
    assertThat(pwned).as("nothing from a finding ran").isNull();
    assertThat(browser.findElements(By.cssSelector("#feed script, #feed img"))).isEmpty();

    // Ended again at once: the policy allows one session at a time, the next test opens its own.
    Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(opened.body());
    assertThat(id.find()).isTrue();
    HttpResponse<String> ended =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(console + "/api/sessions/" + id.group(1)))
                .header("Authorization", "Bearer " + TOKEN)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
  }

  @Test
  @Order(4)
  void endingASessionFromItsPageRevertsTheService() throws Exception {
    String id = openedByHand();
    try (EcsClient ecs = ecs()) {
      await().atMost(Duration.ofMinutes(2)).until(() -> !runs(ecs).endsWith(":1"));
      browser.get(console + "/#/sessions/" + id);
      await().until(() -> !browser.findElements(By.id("end")).isEmpty());
      browser.findElement(By.id("end")).click();
      // The page asks for the token once and keeps it for the tab.
      await().until(() -> browser.findElement(By.id("token-input")).isDisplayed());
      browser.findElement(By.id("token-input")).sendKeys(TOKEN, Keys.ENTER);
      await().until(() -> text("#action-result").contains("Ended"));
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> runs(ecs).endsWith("/like-service:1"));
    }
    Object kept =
        ((JavascriptExecutor) browser)
            .executeScript("return sessionStorage.getItem('sherlock.token');");
    assertThat(kept).isEqualTo(TOKEN);
  }

  @Test
  @Order(5)
  void theKeyboardReachesEveryControl() {
    browser.get(console + "/#/findings?kind=SessionOpened");
    await().until(() -> text("main").contains("Filter"));
    Set<WebElement> controls =
        new HashSet<>(
            browser.findElements(
                By.cssSelector("header a, header button, main a, main button, main input")));
    Set<WebElement> reached = new HashSet<>();
    Actions keyboard = new Actions(browser);
    for (int i = 0; i < controls.size() + 10 && !reached.containsAll(controls); i++) {
      keyboard.sendKeys(Keys.TAB).perform();
      reached.add(browser.switchTo().activeElement());
    }
    assertThat(reached).as("every link, button and field, by Tab alone").containsAll(controls);
  }

  @Test
  @Order(6)
  void thePoliciesPageShowsWhatThePoliciesWouldDoToAService() {
    browser.get(console + "/#/policies");
    await().until(() -> !browser.findElements(By.id("plan-service")).isEmpty());
    assertThat(text("main")).contains("like-latency-debug-logs").contains("None: every policy");
    browser
        .findElement(By.cssSelector("#plan-service option[value='mysfits/like-service']"))
        .click();
    browser.findElement(By.xpath("//button[text()='What would the policies do?']")).click();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> text("#plan-output").contains("policy like-latency-debug-logs"));
    assertThat(browser.getCurrentUrl()).endsWith("#/policies?plan=mysfits%2Flike-service");
    assertThat(text("#plan-output"))
        .contains("service mysfits/like-service")
        .contains("~ container like-service: environment LOGLEVEL")
        .doesNotContain("service mysfits/monolith");
  }

  @Test
  @Order(7)
  void aCrossOriginChangeIsRefusedAndThePageAllowsOnlyItsOwnScript() throws Exception {
    HttpResponse<String> index =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(console + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(index.headers().firstValue("Content-Security-Policy"))
        .get()
        .asString()
        .contains("script-src 'self'")
        .doesNotContain("unsafe-inline");
    // Another site: Micronaut itself refuses it to a server on the loopback address; another
    // local origin (a different port) passes that and meets Sherlock's own check.
    assertThat(forged("http://evil.example").statusCode()).isEqualTo(403);
    HttpResponse<String> local = forged("http://127.0.0.1:1");
    assertThat(local.statusCode()).isEqualTo(403);
    assertThat(local.body()).contains("cross-origin request refused");
  }

  private static HttpResponse<String> forged(String origin) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(console + "/api/sessions/git-inc-4711"))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Origin", origin)
            .DELETE()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String openedByHand() throws Exception {
    HttpResponse<String> opened = openSession("INC-4712 by hand from the console test");
    assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
    Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(opened.body());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static HttpResponse<String> openSession(String reason) throws Exception {
    String body =
        """
        {"policy": "like-latency-debug-logs", "cluster": "mysfits", "service": "like-service",
         "duration": "24h", "reason": %s}"""
            .formatted(com.fasterxml.jackson.databind.node.TextNode.valueOf(reason).toString());
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(console + "/api/sessions"))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String runs(EcsClient ecs) {
    return ecs.describeServices(b -> b.cluster("mysfits").services("like-service"))
        .services()
        .getFirst()
        .taskDefinition();
  }

  private static EcsClient ecs() {
    return EcsClient.builder()
        .endpointOverride(URI.create(sandbox))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  private static String text(String css) {
    List<WebElement> found = browser.findElements(By.cssSelector(css));
    return found.isEmpty() ? "" : found.getFirst().getText();
  }

  private static void screenshot(String name) throws Exception {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name), png);
  }
}
