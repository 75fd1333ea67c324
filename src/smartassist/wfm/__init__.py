"""The WFM Integration family (scope `WFM Integration`): agents, queues, activity, volume, performance."""
