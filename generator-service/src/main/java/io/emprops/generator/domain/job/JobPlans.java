package io.emprops.generator.domain.job;

import io.emprops.generator.domain.engine.GenerationPlan;
import io.emprops.generator.domain.engine.InstructionSet;
import io.emprops.generator.domain.workflow.Workflow;
import io.emprops.generator.domain.workflow.WorkflowType;
import io.emprops.generator.persistence.WorkflowRepository;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ErrorCode;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fixes a job's plan when it is created (a generation request, or a minted token): per generation
 * its hash and variables, and every step with its workflow, how it runs and what it costs the job's
 * user, so later edits of the collection or the workflows' prices do not change a job already
 * planned.
 */
@Component
public class JobPlans {

  /** What the job's user pays for its steps. */
  public enum Payer {
    /** The user: each step costs its workflow's price. */
    USER,
    /** The mint paid for the token's generation: every step costs the user nothing. */
    MINT
  }

  /**
   * A plan ready to store.
   *
   * @param costPerGeneration what one generation costs the job's user
   */
  public record Planned(GenerationPlan plan, String json, long costPerGeneration) {

    long cost() {
      return Math.multiplyExact(costPerGeneration, plan.generations().size());
    }
  }

  private final WorkflowRepository workflows;
  private final JsonMapper json;

  JobPlans(WorkflowRepository workflows, JsonMapper json) {
    this.workflows = workflows;
    this.json = json;
  }

  /**
   * Resolves every step's workflow (which must exist and be enabled: a 4xx {@link ApiException}
   * otherwise) and writes the plan.
   */
  public Planned plan(GenerationPlan plan, Payer payer) {
    long costPerGeneration = 0;
    Map<Integer, Workflow> workflowOfStep = new HashMap<>();
    for (InstructionSet.Step step : plan.stepOrder()) {
      Workflow workflow = workflows.findByName(step.nodeName()).orElseThrow(() -> new ApiException(
          ErrorCode.WORKFLOW_NOT_FOUND, "Step " + step.id() + " names workflow " + step.nodeName() + ", which does not exist"));
      if (!workflow.enabled()) {
        throw new ApiException(ErrorCode.WORKFLOW_NOT_EXECUTABLE, "Workflow " + workflow.name() + " is disabled");
      }
      costPerGeneration += costOf(workflow, payer);
      workflowOfStep.put(step.id(), workflow);
    }
    return new Planned(plan, planJson(plan, workflowOfStep, payer), costPerGeneration);
  }

  private static long costOf(Workflow workflow, Payer payer) {
    return payer == Payer.MINT ? 0 : workflow.creditsCost();
  }

  private String planJson(GenerationPlan plan, Map<Integer, Workflow> workflowOfStep, Payer payer) {
    ObjectNode root = json.createObjectNode();
    ArrayNode generations = root.putArray("generations");
    for (GenerationPlan.Generation g : plan.generations()) {
      ObjectNode node = generations.addObject();
      node.put("index", g.index());
      node.put("hash", g.hash());
      ObjectNode variables = node.putObject("variables");
      g.variables().forEach(variables::set);
    }
    ArrayNode steps = root.putArray("steps");
    for (InstructionSet.Step step : plan.stepOrder()) {
      Workflow workflow = workflowOfStep.get(step.id());
      ObjectNode node = steps.addObject();
      node.put("id", step.id());
      node.put("workflow", workflow.name());
      node.put("kind", workflow.type() == WorkflowType.FETCH_API ? "fetch" : "queue");
      node.put("service_required", workflow.serviceRequired());
      node.put("cost", costOf(workflow, payer));
      node.set("payload", step.payload());
    }
    return json.writeValueAsString(root);
  }
}
