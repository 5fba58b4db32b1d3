export interface LlmCreateParams {
    /**
     * If set, the AI will begin the conversation after waiting for the user for the
     * duration (in milliseconds) specified by this attribute. This only applies if the
     * agent is configured to wait for the user to speak first. If not set, the agent
     * will wait indefinitely for the user to speak.
     */
    begin_after_user_silence_ms?: number | null;
    /**
     * First utterance said by the agent in the call. If not set, LLM will dynamically
     * generate a message. If set to "", agent will wait for user to speak first.
     */
    begin_message?: string | null;
    /**
     * Default dynamic variables represented as key-value pairs of strings. These are
     * injected into your Retell LLM prompt and tool description when specific values
     * are not provided in a request. Only applicable for Retell LLM.
     */
    default_dynamic_variables?: {
        [key: string]: string;
    } | null;
    /**
     * General prompt appended to system prompt no matter what state the agent is in.
     *
     * - System prompt (with state) = general prompt + state prompt.
     * - System prompt (no state) = general prompt.
     */
    general_prompt?: string | null;
    /**
     * A list of tools the model may call (to get external knowledge, call API, etc).
     * You can select from some common predefined tools like end call, transfer call,
     * etc; or you can create your own custom tool for the LLM to use.
     *
     * - Tools of LLM (with state) = general tools + state tools + state transitions
     * - Tools of LLM (no state) = general tools
     */
    general_tools?: Array<LlmCreateParams.EndCallTool | LlmCreateParams.TransferCallTool | LlmCreateParams.CheckAvailabilityCalTool | LlmCreateParams.BookAppointmentCalTool | LlmCreateParams.AgentSwapTool | LlmCreateParams.PressDigitTool | LlmCreateParams.SendSMSTool | LlmCreateParams.CustomTool | LlmCreateParams.CodeTool | LlmCreateParams.ExtractDynamicVariableTool | LlmCreateParams.BridgeTransferTool | LlmCreateParams.CancelTransferTool | LlmCreateParams.McpTool> | null;
    /**
     * Whether this Retell LLM is used for warm transfer. Can only be set at creation,
     * and is ignored on update.
     */
    is_transfer_llm?: boolean | null;
    /**
     * Knowledge base configuration for RAG retrieval.
     */
    kb_config?: LlmCreateParams.KBConfig | null;
    /**
     * A list of knowledge base ids to use for this resource.
     */
    knowledge_base_ids?: Array<string> | null;
    /**
     * A list of MCPs to use for this LLM.
     */
    mcps?: Array<LlmCreateParams.Mcp> | null;
    /**
     * Select the underlying text LLM. If not set, would default to gpt-4.1.
     */
    model?: 'gpt-4.1' | 'gpt-4.1-mini' | 'gpt-4.1-nano' | 'gpt-5' | 'gpt-5-mini' | 'gpt-5-nano' | 'gpt-5.1' | 'gpt-5.2' | 'gpt-5.4' | 'gpt-5.4-mini' | 'gpt-5.4-nano' | 'gpt-5.5' | 'gpt-5.6-terra' | 'gpt-5.6-luna' | 'claude-4.5-sonnet' | 'claude-4.6-sonnet' | 'claude-5-sonnet' | 'claude-4.5-haiku' | 'gemini-3.0-flash' | 'gemini-3.1-flash-lite' | 'gemini-3.5-flash' | 'gemini-3.5-flash-lite' | 'gemini-3.6-flash' | null;
    /**
     * If set to true, will use high priority pool with more dedicated resource to
     * ensure lower and more consistent latency, default to false. This feature usually
     * comes with a higher cost.
     */
    model_high_priority?: boolean | null;
    /**
     * If set, will control the randomness of the response. Value ranging from [0,1].
     * Lower value means more deterministic, while higher value means more random. If
     * unset, default value 0 will apply. Note that for tool calling, a lower value is
     * recommended.
     */
    model_temperature?: number;
    /**
     * Select the underlying speech to speech model. Can only set this or model, not
     * both.
     */
    s2s_model?: 'gpt-realtime-2.1' | 'gpt-realtime-2.1-mini' | 'gpt-realtime-2' | 'gpt-realtime-1.5' | 'gpt-realtime' | 'gpt-realtime-mini' | null;
    /**
     * The speaker who starts the conversation. Required. Must be either 'user' or
     * 'agent'.
     */
    start_speaker?: 'user' | 'agent';
    /**
     * Name of the starting state. Required if states is not empty.
     */
    starting_state?: string | null;
    /**
     * States of the LLM. This is to help reduce prompt length and tool choices when
     * the call can be broken into distinct states. With shorter prompts and less
     * tools, the LLM can better focus and follow the rules, minimizing hallucination.
     * If this field is not set, the agent would only have general prompt and general
     * tools (essentially one state).
     */
    states?: Array<LlmCreateParams.State> | null;
    /**
     * Whether to use strict mode for tool calls. Only applicable when using certain
     * supported models.
     */
    tool_call_strict_mode?: boolean | null;
}
