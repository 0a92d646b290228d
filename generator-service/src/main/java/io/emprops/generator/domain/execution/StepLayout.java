package io.emprops.generator.domain.execution;

import io.emprops.generator.domain.engine.GenerationPlan;
import io.emprops.generator.domain.template.TemplateRenderer;
import io.emprops.generator.domain.workflow.WorkflowDefinition;
import io.emprops.generator.persistence.WorkflowRepository;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * A job's plan laid out as its steps, generations × planned steps, all waiting: each step's
 * inputs rendered with its generation's variables, and seeded from the generation's hash when its
 * workflow takes a seed ({@link DerivedSeeds}).
 */
@Component
class StepLayout {

  private final WorkflowRepository workflows;

  StepLayout(WorkflowRepository workflows) {
    this.workflows = workflows;
  }

  List<JobStep> layOut(UUID jobId, JsonNode plan) {
    JsonNode planned = plan.path("steps");
    int perGeneration = planned.size();
    Map<String, Boolean> takesSeed = new HashMap<>();
    planned.forEach(step -> takesSeed.computeIfAbsent(step.path("workflow").asString(), this::declaresSeed));
    List<JobStep> laidOut = new ArrayList<>();
    for (JsonNode generation : plan.path("generations")) {
      int g = generation.path("index").asInt();
      Map<String, JsonNode> variables = new HashMap<>();
      generation.path("variables").properties().forEach(e -> variables.put(e.getKey(), e.getValue()));
      for (int i = 0; i < perGeneration; i++) {
        JsonNode step = planned.get(i);
        JsonNode inputs = TemplateRenderer.render(step.get("payload"), variables).document();
        if (takesSeed.get(step.path("workflow").asString())) {
          inputs = DerivedSeeds.withDerivedSeed(inputs, generation.path("hash").asString());
        }
        laidOut.add(new JobStep(jobId, g, step.path("id").asInt(), g * perGeneration + i + 1,
            step.path("workflow").asString(), JobStep.Kind.valueOf(step.path("kind").asString().toUpperCase()),
            step.path("service_required").asString(null), step.path("cost").asLong(),
            List.copyOf(GenerationPlan.refsIn(step.get("payload"))), inputs, JobStep.WAITING, 0, null, null, null,
            null, null, 0, null, null, null, null));
      }
    }
    return laidOut;
  }

  private boolean declaresSeed(String workflowName) {
    return workflows.findByName(workflowName)
        .map(w -> WorkflowDefinition.read(w.type(), w.data(), new ArrayList<>()).fields().stream()
            .anyMatch(f -> f.name().equals("seed")))
        .orElse(false);
  }
}
