package dev.sherlock.api;

import dev.sherlock.source.PolicySource;
import dev.sherlock.source.git.PushHook;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /api/hooks/git}: a push hook from GitHub or GitLab makes the controller fetch the
 * policy repository at once instead of at its next interval. The hook proves itself with the shared
 * secret (see {@link PushHook}), not with the API token, which a git host cannot send.
 */
@ExecuteOn(TaskExecutors.BLOCKING) // a fetch is asked for, never run, here; the body is read
@Controller("/api/hooks/git")
public final class GitHookController {
  private final PolicySource policies;

  public GitHookController(PolicySource policies) {
    this.policies = policies;
  }

  @Post(consumes = MediaType.ALL)
  public HttpResponse<String> push(HttpRequest<?> request, @Body String body) {
    var status = policies.gitStatus();
    if (status.isEmpty()) {
      return Api.error(404, "the policies come from a directory, not a git remote");
    }
    PushHook.Verdict verdict =
        PushHook.check(
            status.get().source().webhookSecret(),
            name -> request.getHeaders().findFirst(name),
            // As received: the body is JSON (or a form), UTF-8 both ways, so the bytes signed
            // are the bytes checked.
            body.getBytes(StandardCharsets.UTF_8));
    return switch (verdict) {
      case PushHook.Verdict.Refused refused -> Api.error(401, refused.why());
      case PushHook.Verdict.Accepted accepted when accepted.ping() ->
          Api.ok(Api.object().put("pong", true));
      case PushHook.Verdict.Accepted accepted
          when accepted.ref().isPresent()
              && !accepted.ref().get().equals(status.get().source().fullRef()) ->
          Api.ok(
              Api.object()
                  .put(
                      "ignored",
                      "a push to %s; the policies follow %s"
                          .formatted(accepted.ref().get(), status.get().source().fullRef())));
      case PushHook.Verdict.Accepted accepted -> {
        policies.syncNow();
        yield Api.status(202, Api.object().put("sync", "started"));
      }
    };
  }
}
