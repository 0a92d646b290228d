package io.emprops.collections.api;

import io.emprops.collections.domain.Project;
import io.emprops.collections.domain.Projects;
import io.emprops.collections.domain.Projects.DefaultProject;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.IfMatch;
import io.emprops.web.api.PageResponse;
import io.emprops.web.identity.CallerIdentity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.ResponseStatus;

/** {@code /projects}: the caller's projects (API.md, "Projects"). Other users' projects are 404s. */
@RestController
@RequestMapping("/projects")
@Validated
public class ProjectsController {

  private final Projects projects;

  public ProjectsController(Projects projects) {
    this.projects = projects;
  }

  /** The caller's projects, newest first, each with its collections. */
  @GetMapping
  public ApiResponse<PageResponse<ProjectView>> list(
      CallerIdentity caller,
      @RequestParam(defaultValue = "1") @Min(1) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(Paging.MAX_PAGE_SIZE) int size) {
    String userId = caller.requireUserId();
    List<ProjectView> items = projects.pageOf(userId, Paging.offset(page, size), size).stream()
        .map(ProjectView::of).toList();
    return ApiResponse.ok(PageResponse.of(items, page, size, projects.countOf(userId)));
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<ProjectView>> create(CallerIdentity caller, @Valid @RequestBody ProjectName body) {
    Project project = projects.create(caller.requireUserId(), body.name());
    return withVersion(HttpStatus.CREATED, project);
  }

  /** Creates the caller's default project, or returns it (200) when it exists. */
  @PostMapping("/untitled")
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<ProjectView>> untitled(
      CallerIdentity caller, @Valid @RequestBody(required = false) UntitledRequest body) {
    String userId = caller.requireUserId();
    DefaultProject result = projects.untitled(userId);
    if (result.created()) {
      return withVersion(HttpStatus.CREATED, result.project());
    }
    return ResponseEntity.ok().eTag(IfMatch.etag(result.project().version()))
        .body(ApiResponse.ok(ProjectView.of(projects.withCollections(userId, result.project().id()))));
  }

  @GetMapping("/{projectId}")
  public ResponseEntity<ApiResponse<ProjectView>> get(CallerIdentity caller, @PathVariable UUID projectId) {
    var project = projects.withCollections(caller.requireUserId(), projectId);
    return ResponseEntity.ok().eTag(IfMatch.etag(project.project().version())).body(ApiResponse.ok(ProjectView.of(project)));
  }

  /** Renames the project; with If-Match, only if it is still at that version (409 otherwise). */
  @PutMapping("/{projectId}")
  public ResponseEntity<ApiResponse<ProjectView>> rename(
      CallerIdentity caller, @PathVariable UUID projectId, @Valid @RequestBody ProjectName body,
      @RequestHeader(name = IfMatch.HEADER, required = false) String ifMatch) {
    String userId = caller.requireUserId();
    Project renamed = projects.rename(userId, projectId, body.name(), IfMatch.version(ifMatch));
    return ResponseEntity.ok().eTag(IfMatch.etag(renamed.version()))
        .body(ApiResponse.ok(ProjectView.of(projects.withCollections(userId, renamed.id()))));
  }

  /** Deletes the project and its collections; 409 while one of them is being or has been published. */
  @DeleteMapping("/{projectId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public ResponseEntity<Void> delete(CallerIdentity caller, @PathVariable UUID projectId) {
    projects.delete(caller.requireUserId(), projectId);
    return ResponseEntity.noContent().build();
  }

  private static ResponseEntity<ApiResponse<ProjectView>> withVersion(HttpStatus status, Project project) {
    return ResponseEntity.status(status).eTag(IfMatch.etag(project.version()))
        .body(ApiResponse.ok(ProjectView.of(project, List.of())));
  }

  public record ProjectName(@NotBlank @Size(max = Project.MAX_NAME_LENGTH) String name) {}

  /** @param version the instruction-set version the client works with; only "v2" exists */
  public record UntitledRequest(@Pattern(regexp = "v2", message = "must be \"v2\"") String version) {}
}
