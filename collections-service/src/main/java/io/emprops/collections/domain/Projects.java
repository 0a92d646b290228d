package io.emprops.collections.domain;

import io.emprops.collections.persistence.CollectionRepository;
import io.emprops.collections.persistence.ProjectRepository;
import io.emprops.web.api.ApiException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A user's projects. Another user's project answers 404, as if it did not exist, so that project
 * ids cannot be probed.
 */
@Service
@Transactional
public class Projects {

  private final ProjectRepository projects;
  private final CollectionRepository collections;
  private final CollectionSnapshots snapshots;
  private final CollectionEvents events;

  public Projects(ProjectRepository projects, CollectionRepository collections, CollectionSnapshots snapshots,
      CollectionEvents events) {
    this.projects = projects;
    this.collections = collections;
    this.snapshots = snapshots;
    this.events = events;
  }

  public Project create(String userId, String name) {
    return projects.create(userId, name.strip());
  }

  /** The user's default project, created now if they have none. */
  public DefaultProject untitled(String userId) {
    boolean created = projects.createDefaultIfAbsent(userId, Project.DEFAULT_NAME);
    return new DefaultProject(projects.findDefault(userId).orElseThrow(), created);
  }

  public Project defaultFor(String userId) {
    return untitled(userId).project();
  }

  @Transactional(readOnly = true)
  public Project owned(String userId, UUID projectId) {
    return projects.find(projectId).filter(p -> p.userId().equals(userId))
        .orElseThrow(() -> ApiException.notFound("Project"));
  }

  /** The project, locked until the transaction ends; changes to its set of collections serialise on it. */
  public Project lockOwned(String userId, UUID projectId) {
    return projects.lock(projectId).filter(p -> p.userId().equals(userId))
        .orElseThrow(() -> ApiException.notFound("Project"));
  }

  @Transactional(readOnly = true)
  public List<ProjectWithCollections> pageOf(String userId, int offset, int limit) {
    List<Project> page = projects.pageOf(userId, offset, limit);
    Map<UUID, List<Collection>> byProject = collections.ofProjects(page.stream().map(Project::id).toList())
        .stream().collect(Collectors.groupingBy(Collection::projectId));
    return page.stream().map(p -> new ProjectWithCollections(p, byProject.getOrDefault(p.id(), List.of()))).toList();
  }

  @Transactional(readOnly = true)
  public long countOf(String userId) {
    return projects.countOf(userId);
  }

  @Transactional(readOnly = true)
  public ProjectWithCollections withCollections(String userId, UUID projectId) {
    Project project = owned(userId, projectId);
    return new ProjectWithCollections(project, collections.ofProjects(List.of(project.id())));
  }

  /**
   * @param expectedVersion the version the client last read (If-Match), or null to rename whatever
   *     the current version is
   */
  public Project rename(String userId, UUID projectId, String name, Long expectedVersion) {
    Project project = owned(userId, projectId);
    long version = Versions.expect(expectedVersion, project.version(), "Project");
    return projects.rename(projectId, name.strip(), version).orElseThrow(() -> Versions.changedMeanwhile("Project"));
  }

  /**
   * Deletes the project with its collections. A project holding a collection that is being or has
   * been published stays: what is on-chain keeps needing its collection.
   */
  public void delete(String userId, UUID projectId) {
    lockOwned(userId, projectId);
    List<Collection> doomed = collections.ofProjects(List.of(projectId));
    if (doomed.stream().anyMatch(c -> c.status().isPublicationStarted())) {
      throw ApiException.conflict("The project holds a collection that is being or has been published");
    }
    List<CollectionSnapshot> lastStates = doomed.stream().map(snapshots::of).toList();
    projects.delete(projectId);
    lastStates.forEach(events::deleted);
  }

  public record DefaultProject(Project project, boolean created) {}

  public record ProjectWithCollections(Project project, List<Collection> collections) {}
}
