package io.vireo.engine.scheduling;

/** Whether a load weight spreads VMs over the hosts or packs them onto few. */
public enum LoadGoal { SPREAD, PACK }
