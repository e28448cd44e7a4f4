package dev.sherlock.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The store's commands as a user types them against {@code ./sherlock sandbox}: {@code install
 * --store dynamodb} creates the tables, {@code run} refuses to start without them, and {@code
 * uninstall} keeps the store unless {@code --delete-data}, for DynamoDB and SQLite alike.
 */
class StoreCommandsIT {
  private static final Launcher SHERLOCK = new Launcher();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Launcher.Running sandbox;
  private static String endpoint;
  private static DynamoDbClient dynamo;

  @TempDir Path dir;

  @BeforeAll
  static void startSandbox() {
    sandbox = SHERLOCK.start("sandbox", "--seed", "mysfits", "--port", "0");
    endpoint = Launcher.endpointOf(sandbox);
    dynamo = client(endpoint);
  }

  @AfterAll
  static void stopSandbox() {
    dynamo.close();
    sandbox.close();
  }

  private static String[] aws(String command, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                command, "--endpoint", endpoint, "--region", "us-east-1", "--queue", "store-q"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static List<String> tables() {
    return dynamo.listTables().tableNames();
  }

  @Test
  void theDynamoDbStoreIsInstalledRequiredByRunAndKeptUnlessDeleted() {
    Launcher.Exit missing = SHERLOCK.run(aws("run", "--store", "dynamodb", "--table", "absent"));
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.errText())
        .contains(
            "the store's DynamoDB tables absent-sessions, absent-findings, absent-state do not"
                + " exist; run `sherlock install --store dynamodb --table absent`");
    DaemonIT.assertNoStackTrace(missing);

    Launcher.Exit install = SHERLOCK.run(aws("install", "--store", "dynamodb", "--table", "kept"));
    assertThat(install.code()).as(install.errText()).isZero();
    assertThat(install.outText())
        .contains(
            "tables kept-sessions, kept-findings, kept-state (created kept-sessions,"
                + " kept-findings, kept-state;");
    Launcher.Exit again = SHERLOCK.run(aws("install", "--store", "dynamodb", "--table", "kept"));
    assertThat(again.outText()).contains("(there already;");

    Launcher.Exit uninstall =
        SHERLOCK.run(aws("uninstall", "--store", "dynamodb", "--table", "kept"));
    assertThat(uninstall.code()).as(uninstall.errText()).isZero();
    assertThat(uninstall.outText())
        .contains(
            "kept tables kept-sessions, kept-findings, kept-state (--delete-data deletes them)");
    assertThat(tables()).contains("kept-sessions", "kept-findings", "kept-state");

    Launcher.Exit deleted =
        SHERLOCK.run(aws("uninstall", "--store", "dynamodb", "--table", "kept", "--delete-data"));
    assertThat(deleted.code()).as(deleted.errText()).isZero();
    assertThat(deleted.outText()).contains("deleted kept-sessions, kept-findings, kept-state");
    assertThat(tables()).doesNotContain("kept-sessions", "kept-findings", "kept-state");
  }

  /**
   * {@code --endpoint dynamodb=URL} puts the store on a DynamoDB endpoint of its own (a second
   * sandbox here), every other service staying on the first: the tables, and the lease the running
   * replica holds, are there and nowhere else.
   */
  @Test
  void theStoreLivesOnTheDynamoDbEndpointGivenForIt() throws Exception {
    try (Launcher.Running storeHost = SHERLOCK.start("sandbox", "--port", "0");
        DynamoDbClient apart = client(Launcher.endpointOf(storeHost))) {
      String[] onIt = {"--store", "dynamodb", "--table", "apart", "--endpoint"};
      String dynamoDb = "dynamodb=" + Launcher.endpointOf(storeHost);
      Launcher.Exit install = SHERLOCK.run(aws("install", concat(onIt, dynamoDb)));
      assertThat(install.code()).as(install.errText()).isZero();
      assertThat(apart.listTables().tableNames())
          .contains("apart-sessions", "apart-findings", "apart-state");
      assertThat(tables()).doesNotContain("apart-sessions", "apart-findings", "apart-state");

      try (Launcher.Running run =
          SHERLOCK.start(
              aws(
                  "run",
                  concat(
                      onIt,
                      dynamoDb,
                      "--policies",
                      "policies",
                      "--data-dir",
                      dir.resolve("d").toString(),
                      "--port",
                      "0",
                      "--log-format",
                      "json")))) {
        String api =
            JSON.readTree(run.awaitLine(l -> l.contains("\"api\":"), Duration.ofMinutes(1)))
                .path("api")
                .asText();
        Awaitility.await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> health(api).path("replica").path("role").asText().equals("leader"));
        String replica = health(api).path("replica").path("name").asText();
        var lease =
            apart.getItem(b -> b.tableName("apart-state").key(Map.of("pk", s("lease#controller"))));
        assertThat(lease.item()).as("the lease item on the store's endpoint").isNotEmpty();
        assertThat(lease.item().get("holder").s()).isEqualTo(replica);
      }
    }
  }

  @Test
  void anEndpointForAServiceSherlockDoesNotUseIsRefusedInOneLine() {
    Launcher.Exit wrong = SHERLOCK.run(aws("install", "--endpoint", "dynamo=http://127.0.0.1:1"));
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.errText())
        .contains(
            "--endpoint dynamo=http://127.0.0.1:1: no AWS service dynamo (one of: ecs, sqs, events,"
                + " monitoring, logs, xray, application-autoscaling, dynamodb)");
    DaemonIT.assertNoStackTrace(wrong);
  }

  private static DynamoDbClient client(String endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
        .build();
  }

  private static JsonNode health(String api) throws Exception {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(URI.create(api + "/health"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private static String[] concat(String[] first, String... more) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  @Test
  void theSqliteStoreIsKeptUnlessDeleted() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path db = Files.writeString(data.resolve("sherlock.db"), "sessions");
    Files.writeString(data.resolve("sherlock.db-wal"), "log");
    assertThat(SHERLOCK.run(aws("install")).code()).isZero();

    Launcher.Exit kept = SHERLOCK.run(aws("uninstall", "--data-dir", data.toString()));
    assertThat(kept.code()).as(kept.errText()).isZero();
    assertThat(db).exists();

    assertThat(SHERLOCK.run(aws("install")).code()).isZero();
    Launcher.Exit deleted =
        SHERLOCK.run(aws("uninstall", "--data-dir", data.toString(), "--delete-data"));
    assertThat(deleted.code()).as(deleted.errText()).isZero();
    assertThat(deleted.outText()).contains("deleted " + db);
    assertThat(db).doesNotExist();
    assertThat(data.resolve("sherlock.db-wal")).doesNotExist();
  }
}
