package io.emprops.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The one stack the end-to-end classes share: started by the README's bare {@code ./run} when the
 * first class asks for it and stopped when the whole test run ends. A start costs one to three
 * minutes of a CI run whose budget is fifteen, so the classes share it and keep out of each
 * other's way by acting as users of their own. A class that stops or restarts the stack
 * ({@link LocalStackLifecycleTest}, ordered next to last) hands the new stack back through
 * {@link #restarted}, so that the end of the run stops what is running then; restarted with the
 * OpenTelemetry agents, it is where {@link TraceEndToEndTest} (last) takes its trace.
 *
 * <p>{@code EMPROPS_E2E_ATTACH=<data dir>:<port base>} uses a stack already running instead (while
 * working on it); such a stack is left running.
 */
final class SharedStack implements AutoCloseable {

  private RunningStack stack;
  private RuntimeException failedToStart;
  /** Where a stack restarted with the OpenTelemetry agents exports its spans (TraceEndToEndTest). */
  private OtlpReceiver traceReceiver;
  private boolean traced;

  private SharedStack() {
  }

  /** The running stack, started on the first call. A stack that failed to start fails every caller. */
  synchronized RunningStack stack() {
    if (failedToStart != null) {
      throw failedToStart;
    }
    if (stack == null) {
      try {
        stack = attachedStack().orElse(null);
        if (stack == null) {
          stack = RunningStack.start();
        }
      } catch (Exception e) {
        failedToStart = new IllegalStateException("the shared stack did not start: " + e.getMessage(), e);
        throw failedToStart;
      }
    }
    return stack;
  }

  /** True when this run uses a stack someone else started (it must not be stopped or restarted). */
  static boolean attached() {
    return System.getenv("EMPROPS_E2E_ATTACH") != null;
  }

  /**
   * The stack that replaced the one this run started (a restart on the same data); {@code traced}
   * when it runs the agents exporting to {@link #traceReceiver}.
   */
  synchronized void restarted(RunningStack replacement, boolean traced) {
    stack = replacement;
    this.traced = traced;
  }

  /** The receiver a restart with the agents exports to: started on first use, closed at the end. */
  synchronized OtlpReceiver traceReceiver() throws java.io.IOException {
    if (traceReceiver == null) {
      traceReceiver = OtlpReceiver.start(0);
    }
    return traceReceiver;
  }

  /** The stack, when it was restarted with the agents exporting to {@link #traceReceiver}. */
  synchronized java.util.Optional<RunningStack> tracedStack() {
    return traced ? java.util.Optional.of(stack) : java.util.Optional.empty();
  }

  @Override
  public synchronized void close() {
    if (stack != null) {
      stack.close();
    }
    if (traceReceiver != null) {
      traceReceiver.close();
    }
  }

  private static java.util.Optional<RunningStack> attachedStack() throws java.io.IOException {
    String attach = System.getenv("EMPROPS_E2E_ATTACH");
    if (attach == null) {
      return java.util.Optional.empty();
    }
    int colon = attach.lastIndexOf(':');
    return java.util.Optional.of(RunningStack.attach(Path.of(attach.substring(0, colon)),
        Integer.parseInt(attach.substring(colon + 1))));
  }

  /**
   * Gives a test class's lifecycle methods the shared stack: one per test run, kept in the root
   * store, which closes it (stopping the stack) when the run ends.
   */
  static final class Extension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedStack.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == SharedStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context.getRoot().getStore(NAMESPACE)
          .computeIfAbsent(SharedStack.class, key -> new SharedStack(), SharedStack.class);
    }
  }
}
