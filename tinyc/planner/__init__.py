"""Static memory planning: every activation, view and scratch buffer at a fixed arena offset."""
from tinyc.planner.plan import STRATEGIES, MemoryPlan, plan_memory
from tinyc.planner.rules import DEFAULT_RULES, DefaultRules

__all__ = ["plan_memory", "MemoryPlan", "DEFAULT_RULES", "DefaultRules", "STRATEGIES"]
