package io.emprops.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator's packages depend on each other one way: read from the imports of its main
 * sources, so it needs no library and no compiled classes.
 *
 * <p>One pair may import each other, as in credits-service: {@code persistence} maps the domain's
 * records, and the domain calls its repositories. Every other cycle between packages fails.
 */
class PackageStructureTest {

  private static final String ROOT = "io.emprops.generator";
  private static final Path SOURCES = Path.of("src/main/java/io/emprops/generator");
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+);", Pattern.MULTILINE);

  /** Source file → its package and what it imports. */
  private static final List<SourceFile> files = new ArrayList<>();

  private record SourceFile(Path path, String pkg, List<String> imports) {}

  @BeforeAll
  static void readSources() {
    assertThat(SOURCES).as("run from the generator-service module").isDirectory();
    try (Stream<Path> paths = Files.walk(SOURCES)) {
      for (Path path : paths.filter(p -> p.toString().endsWith(".java")).toList()) {
        String text = Files.readString(path);
        Matcher pkg = PACKAGE.matcher(text);
        assertThat(pkg.find()).as("%s declares its package", path).isTrue();
        List<String> imports = new ArrayList<>();
        for (Matcher m = IMPORT.matcher(text); m.find(); ) {
          imports.add(m.group(1));
        }
        files.add(new SourceFile(path, pkg.group(1), imports));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The domain announces through {@code GenerationNotifications}; the outbox is the messaging adapter's. */
  @Test
  void theDomainDoesNotUseTheOutbox() {
    List<String> offenders = files.stream()
        .filter(f -> f.pkg().startsWith(ROOT + ".domain"))
        .filter(f -> f.imports().stream().anyMatch(i -> i.startsWith("io.emprops.events.outbox.")))
        .map(f -> f.path().toString()).toList();
    assertThat(offenders).as("domain classes importing the outbox").isEmpty();
  }

  @Test
  void packagesHaveNoCycles() {
    Map<String, Set<String>> dependencies = new TreeMap<>();
    for (SourceFile file : files) {
      Set<String> of = dependencies.computeIfAbsent(file.pkg(), p -> new TreeSet<>());
      for (String imported : file.imports()) {
        String target = packageOf(imported);
        if (target.startsWith(ROOT + ".") && !target.equals(file.pkg()) && !persistenceMapsTheDomain(file.pkg(), target)) {
          of.add(target);
        }
      }
    }
    assertThat(cycles(dependencies)).as("packages that depend on each other (imports: %s)", dependencies).isEmpty();
  }

  private static boolean persistenceMapsTheDomain(String from, String to) {
    return from.equals(ROOT + ".persistence") && to.startsWith(ROOT + ".domain.");
  }

  /** {@code a.b.C}, {@code a.b.C.Inner} or {@code a.b.C.member} (a static import) → {@code a.b}. */
  private static String packageOf(String imported) {
    String[] parts = imported.split("\\.");
    int i = 0;
    while (i < parts.length && !Character.isUpperCase(parts[i].charAt(0))) {
      i++;
    }
    return String.join(".", List.of(parts).subList(0, i));
  }

  /** The strongly connected components of more than one package (Tarjan). */
  private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    List<Set<String>> found = new ArrayList<>();
    for (String start : graph.keySet()) {
      if (!index.containsKey(start)) {
        connect(start, graph, index, low, stack, onStack, found);
      }
    }
    return found;
  }

  private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> found) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, found);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        found.add(component);
      }
    }
  }
}
