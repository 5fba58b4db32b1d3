export interface AgentUpdateParams {
    /**
     * Query param: Optional version of the API to use for this request. Default to
     * latest version.
     */
    version?: string | number;
    /**
     * Body param: The name of the agent. Only used for your own reference.
     */
    agent_name?: string | null;
    /**
     * Body param: If set to true, DTMF input will interrupt the agent even when
     * interruption_sensitivity is 0. Can be overridden per conversation or subagent
     * node. Default to false.
     */
    allow_dtmf_interruption?: boolean;
    /**
     * Body param: If set to true, DTMF input will be accepted and processed. If false,
     * any DTMF input will be ignored. Default to true.
     */
    allow_user_dtmf?: boolean;
    /**
     * Body param: If set, will add ambient environment sound to the call to make
     * experience more realistic. Currently supports the following options:
     *
     * - `coffee-shop`: Coffee shop ambience with people chatting in background.
     *   [Listen to Ambience](https://retell-utils-public.s3.us-west-2.amazonaws.com/coffee-shop.wav)
     * - `convention-hall`: Convention hall ambience, with some echo and people
     *   chatting in background.
     *   [Listen to Ambience](https://retell-utils-public.s3.us-west-2.amazonaws.com/convention-hall.wav)
     * - `summer-outdoor`: Summer outdoor ambience with cicada chirping.
     *   [Listen to Ambience](https://retell-utils-public.s3.us-west-2.amazonaws.com/summer-outdoor.wav)
     * - `mountain-outdoor`: Mountain outdoor ambience with birds singing.
     *   [Listen to Ambience](https://retell-utils-public.s3.us-west-2.amazonaws.com/mountain-outdoor.wav)
     * - `static-noise`: Constant static noise.
     *   [Listen to Ambience](https://retell-utils-public.s3.us-west-2.amazonaws.com/static-noise.wav)
     * - `call-center`: Call center work noise.
     *   [Listen to Ambience](https://retell-utils-public.s3.us-west-2.amazonaws.com/call-center.wav)
     *   Set to `null` to remove ambient sound from this agent.
     */
    ambient_sound?: 'coffee-shop' | 'convention-hall' | 'summer-outdoor' | 'mountain-outdoor' | 'static-noise' | 'call-center' | null;
    /**
     * Body param: If set, will control the volume of the ambient sound. Value ranging
     * from [0,2]. Lower value means quieter ambient sound, while higher value means
     * louder ambient sound. If unset, default value 1 will apply.
     */
    ambient_sound_volume?: number;
    /**
     * Body param: Only applicable when enable_backchannel is true. Controls how often
     * the agent would backchannel when a backchannel is possible. Value ranging from
     * [0,1]. Lower value means less frequent backchannel, while higher value means
     * more frequent backchannel. If unset, default value 0.8 will apply.
     */
    backchannel_frequency?: number;
    /**
     * Body param: Only applicable when enable_backchannel is true. A list of words
     * that the agent would use as backchannel. If not set, default backchannel words
     * will apply. Check out
     * [backchannel default words](/agent/interaction-configuration#backchannel) for
     * more details. Note that certain voices do not work too well with certain words,
     * so it's recommended to experiment before adding any words.
     */
    backchannel_words?: Array<string> | null;
    /**
     * Body param: If set, will delay the first message by the specified amount of
     * milliseconds, so that it gives user more time to prepare to take the call. Valid
     * range is [0, 5000]. If not set or set to 0, agent will speak immediately. Only
     * applicable when agent speaks first.
     */
    begin_message_delay_ms?: number;
    /**
     * Body param: Provide a customized list of keywords to bias the transcriber model,
     * so that these words are more likely to get transcribed. Commonly used for names,
     * brands, street, etc. Entries may reference dynamic variables with `{{variable}}`
     * syntax.
     */
    boosted_keywords?: Array<string> | null;
    /**
     * Body param: If this option is set, the agent prompt will include call screen
     * handling instructions for identity and call purpose questions. Set this to null
     * to disable call screen prompt instructions.
     */
    call_screening_option?: AgentUpdateParams.CallScreeningOption | null;
    /**
     * Body param: Custom STT configuration. Only used when stt_mode is set to custom.
     */
    custom_stt_config?: AgentUpdateParams.CustomSttConfig | null;
    /**
     * Body param: Number of days to retain call/chat data before automatic deletion.
     * Must be between 1 and 730 days. If not set, data is retained forever (no
     * automatic deletion).
     */
    data_storage_retention_days?: number | null;
    /**
     * Body param: Granular setting to manage how Retell stores sensitive data
     * (transcripts, recordings, logs, etc.). This replaces the deprecated
     * `opt_out_sensitive_data_storage` field.
     *
     * - `everything`: Store all data including transcripts, recordings, and logs.
     * - `everything_except_pii`: Store data without PII when PII is detected.
     * - `basic_attributes_only`: Store only basic attributes; no
     *   transcripts/recordings/logs. If not set, default value of "everything" will
     *   apply.
     */
    data_storage_setting?: 'everything' | 'everything_except_pii' | 'basic_attributes_only';
    /**
     * Body param: If set, determines what denoising mode to use. Use "no-denoise" to
     * bypass all audio denoising. Default to noise-cancellation.
     */
    denoising_mode?: 'no-denoise' | 'noise-cancellation' | 'noise-and-background-speech-cancellation';
    /**
     * Body param: Controls whether the agent would backchannel (agent interjects the
     * speaker with phrases like "yeah", "uh-huh" to signify interest and engagement).
     * Backchannel when enabled tends to show up more in longer user utterances. If not
     * set, agent will not backchannel.
     */
    enable_backchannel?: boolean;
    /**
     * Body param: If set to true, the agent will dynamically adjust how quickly it
     * responds based on the user's speech rate and past turn-taking behavior in the
     * call. If unset, default value false will apply.
     */
    enable_dynamic_responsiveness?: boolean;
    /**
     * Body param: If set to true, will enable dynamic voice speed adjustment based on
     * the user's speech rate and conversation context. If unset, default value false
     * will apply.
     */
    enable_dynamic_voice_speed?: boolean;
    /**
     * Body param: Master toggle for expressive mode. When true, the agent may add
     * expressive voice tags to the audio it generates. Only applicable for platform
     * voices. If unset, defaults to false.
     */
    enable_expressive_mode?: boolean;
    /**
     * Body param: If users stay silent for a period after agent speech, end the call.
     * The minimum value allowed is 10,000 ms (10 s). By default, this is set to 600000
     * (10 min).
     */
    end_call_after_silence_ms?: number;
    /**
     * Body param: The expressive voice tags Retell pre-teaches the model to use when
     * enable_expressive_mode is true. Custom tags defined in the system prompt are
     * still allowed. If empty, the agent follows general expressive guidance without a
     * fixed tag set.
     */
    expressive_emotion_tags?: Array<'empathetic' | 'excited' | 'happy' | 'curious' | 'surprised' | 'sigh' | 'clear throat' | 'pause' | 'long pause' | 'emphasis'>;
    /**
     * Body param: Custom expressive voice guidance to use instead of the default
     * Retell expressive prompt when enable_expressive_mode is true. If omitted or
     * blank, the default expressive prompt will be used.
     */
    expressive_mode_prompt?: string | null;
    /**
     * Body param: When TTS provider for the selected voice is experiencing outages, we
     * would use fallback voices listed here for the agent. Voice id and the fallback
     * voice ids must be from different TTS providers. The system would go through the
     * list in order, if the first one in the list is also having outage, it would use
     * the next one. Set to null to remove voice fallback for the agent.
     */
    fallback_voice_ids?: Array<string> | null;
    /**
     * Body param: Configuration for guardrail checks to detect and prevent prohibited
     * topics in agent output and user input.
     */
    guardrail_config?: AgentUpdateParams.GuardrailConfig;
    /**
     * Body param: Toggle behavior presets on/off to influence agent response style and
     * behaviors.
     */
    handbook_config?: AgentUpdateParams.HandbookConfig;
    /**
     * Body param: Controls how sensitive the agent is to user interruptions. Value
     * ranging from [0,1]. Lower value means it will take longer / more words for user
     * to interrupt agent, while higher value means it's easier for user to interrupt
     * agent. If unset, default value 1 will apply. When this is set to 0, agent would
     * never be interrupted.
     */
    interruption_sensitivity?: number;
    /**
     * Body param: If this option is set, the call will try to detect IVR in the first
     * 3 minutes of the call. Actions defined will be applied when the IVR is detected.
     * Set this to null to disable IVR detection.
     */
    ivr_option?: AgentUpdateParams.IvrOption | null;
    /**
     * Body param: Specifies what language(s) the agent will operate in. Accepts either
     * a single locale (e.g. `en-US`) or an array of locales for multilingual agents
     * (e.g. `["en-US","es-ES"]`). The scalar value `multi` is deprecated but still
     * accepted as a scalar, and is stored and returned as the ten locales it used to
     * mean. It must not appear inside the array form. Send an explicit locale array
     * instead. If unset, defaults to `en-US`.
     */
    language?: 'en-US' | 'en-IN' | 'en-GB' | 'en-AU' | 'en-NZ' | 'de-DE' | 'es-ES' | 'es-419' | 'hi-IN' | 'fr-FR' | 'fr-CA' | 'ja-JP' | 'pt-PT' | 'pt-BR' | 'zh-CN' | 'ru-RU' | 'it-IT' | 'ko-KR' | 'nl-NL' | 'nl-BE' | 'pl-PL' | 'tr-TR' | 'vi-VN' | 'ro-RO' | 'bg-BG' | 'ca-ES' | 'th-TH' | 'da-DK' | 'fi-FI' | 'el-GR' | 'hu-HU' | 'id-ID' | 'no-NO' | 'sk-SK' | 'sv-SE' | 'lt-LT' | 'lv-LV' | 'cs-CZ' | 'ms-MY' | 'af-ZA' | 'ar-SA' | 'az-AZ' | 'bs-BA' | 'cy-GB' | 'fa-IR' | 'fil-PH' | 'gl-ES' | 'he-IL' | 'hr-HR' | 'hy-AM' | 'is-IS' | 'kk-KZ' | 'kn-IN' | 'mk-MK' | 'mr-IN' | 'ne-NP' | 'sl-SI' | 'sr-RS' | 'sw-KE' | 'ta-IN' | 'ur-IN' | 'yue-CN' | 'uk-UA' | 'multi' | Array<'en-US' | 'en-IN' | 'en-GB' | 'en-AU' | 'en-NZ' | 'de-DE' | 'es-ES' | 'es-419' | 'hi-IN' | 'fr-FR' | 'fr-CA' | 'ja-JP' | 'pt-PT' | 'pt-BR' | 'zh-CN' | 'ru-RU' | 'it-IT' | 'ko-KR' | 'nl-NL' | 'nl-BE' | 'pl-PL' | 'tr-TR' | 'vi-VN' | 'ro-RO' | 'bg-BG' | 'ca-ES' | 'th-TH' | 'da-DK' | 'fi-FI' | 'el-GR' | 'hu-HU' | 'id-ID' | 'no-NO' | 'sk-SK' | 'sv-SE' | 'lt-LT' | 'lv-LV' | 'cs-CZ' | 'ms-MY' | 'af-ZA' | 'ar-SA' | 'az-AZ' | 'bs-BA' | 'cy-GB' | 'fa-IR' | 'fil-PH' | 'gl-ES' | 'he-IL' | 'hr-HR' | 'hy-AM' | 'is-IS' | 'kk-KZ' | 'kn-IN' | 'mk-MK' | 'mr-IN' | 'ne-NP' | 'sl-SI' | 'sr-RS' | 'sw-KE' | 'ta-IN' | 'ur-IN' | 'yue-CN' | 'uk-UA'>;
    /**
     * Body param: Maximum allowed length for the call, will force end the call if
     * reached. The minimum value allowed is 60,000 ms (1 min), and maximum value
     * allowed is 7,200,000 (2 hours). By default, this is set to 3,600,000 (1 hour).
     */
    max_call_duration_ms?: number;
    /**
     * Body param: Whether this agent opts in for signed URLs for public logs and
     * recordings. When enabled, the generated URLs will include security signatures
     * that restrict access and automatically expire after 24 hours.
     */
    opt_in_signed_url?: boolean;
    /**
     * Body param: Configuration for PII scrubbing from transcripts and recordings.
     */
    pii_config?: AgentUpdateParams.PiiConfig;
    /**
     * Body param: Post call analysis data to extract from the call. This data will
     * augment the pre-defined variables extracted in the call analysis. This will be
     * available after the call ends.
     */
    post_call_analysis_data?: Array<AgentUpdateParams.StringAnalysisData | AgentUpdateParams.EnumAnalysisData | AgentUpdateParams.BooleanAnalysisData | AgentUpdateParams.NumberAnalysisData | AgentUpdateParams.CallPresetAnalysisData> | null;
    /**
     * Body param: The model to use for post call analysis. Default to gpt-4.1.
     */
    post_call_analysis_model?: 'gpt-4.1' | 'gpt-4.1-mini' | 'gpt-4.1-nano' | 'gpt-5' | 'gpt-5-mini' | 'gpt-5-nano' | 'gpt-5.1' | 'gpt-5.2' | 'gpt-5.4' | 'gpt-5.4-mini' | 'gpt-5.4-nano' | 'gpt-5.5' | 'gpt-5.6-terra' | 'gpt-5.6-luna' | 'claude-4.5-sonnet' | 'claude-4.6-sonnet' | 'claude-5-sonnet' | 'claude-4.5-haiku' | 'gemini-3.0-flash' | 'gemini-3.1-flash-lite' | 'gemini-3.5-flash' | 'gemini-3.5-flash-lite' | 'gemini-3.6-flash' | null;
    /**
     * Body param: A list of words / phrases and their pronunciation to be used to
     * guide the audio synthesize for consistent pronunciation. Check the dashboard to
     * see what provider supports this feature. Set to null to remove pronunciation
     * dictionary from this agent.
     */
    pronunciation_dictionary?: Array<AgentUpdateParams.PronunciationDictionary> | null;
    /**
     * Body param: If set, controls how many times agent would remind user when user is
     * unresponsive. Must be a non negative integer. If unset, default value of 1 will
     * apply (remind once). Set to 0 to disable agent from reminding.
     */
    reminder_max_count?: number;
    /**
     * Body param: If set (in milliseconds), will trigger a reminder to the agent to
     * speak if the user has been silent for the specified duration after some agent
     * speech. Must be a positive number. If unset, default value of 10000 ms (10 s)
     * will apply.
     */
    reminder_trigger_ms?: number;
    /**
     * Body param: The Response Engine to attach to the agent. It is used to generate
     * responses for the agent. You need to create a Response Engine first before
     * attaching it to an agent.
     */
    response_engine?: AgentUpdateParams.ResponseEngineRetellLm | AgentUpdateParams.ResponseEngineCustomLm | AgentUpdateParams.ResponseEngineConversationFlow;
    /**
     * Body param: Controls how responsive is the agent. Value ranging from [0,1].
     * Lower value means less responsive agent (wait more, respond slower), while
     * higher value means faster exchanges (respond when it can). If unset, default
     * value 1 will apply.
     */
    responsiveness?: number;
    /**
     * Body param: If set, the phone ringing will last for the specified amount of
     * milliseconds. This applies for both outbound call ringtime, and call transfer
     * ringtime. Default to 30000 (30 s). Valid range is [5000, 300000].
     */
    ring_duration_ms?: number;
    /**
     * Body param: The expiration time for the signed url in milliseconds. Only
     * applicable when opt_in_signed_url is true. If not set, default value of 86400000
     * (24 hours) will apply.
     */
    signed_url_expiration_ms?: number | null;
    /**
     * Body param: If set, determines whether speech to text should focus on latency or
     * accuracy. Default to fast mode. When set to custom, custom_stt_config must be
     * provided.
     */
    stt_mode?: 'fast' | 'accurate' | 'custom';
    /**
     * Body param: IANA timezone for the agent (e.g. America/New_York). Defaults to
     * America/Los_Angeles if not set.
     */
    timezone?: string | null;
    /**
     * Body param
     */
    user_dtmf_options?: AgentUpdateParams.UserDtmfOptions | null;
    /**
     * Body param: Optional description of the agent version. Used for your own
     * reference and documentation.
     */
    version_description?: string | null;
    /**
     * Body param: Optional title of the agent version. Used for your own reference.
     */
    version_title?: string | null;
    /**
     * Body param: If set, determines the vocabulary set to use for transcription. This
     * setting only applies for English agents, for non English agent, this setting is
     * a no-op. Default to general.
     */
    vocab_specialization?: 'general' | 'medical';
    /**
     * Body param: Controls the emotional tone of the agent's voice. Currently
     * supported for Cartesia and Minimax TTS providers. If unset, no emotion will be
     * used.
     */
    voice_emotion?: 'calm' | 'sympathetic' | 'happy' | 'sad' | 'angry' | 'fearful' | 'surprised' | null;
    /**
     * Body param: Unique voice id used for the agent. Find list of available voices
     * and their preview in Dashboard.
     */
    voice_id?: string;
    /**
     * Body param: Select the voice model used for the selected voice. Each provider
     * has a set of available voice models. Set to null to remove voice model
     * selection, and default ones will apply. Check out dashboard for more details of
     * each voice model.
     */
    voice_model?: 'eleven_flash_v2' | 'eleven_flash_v2_5' | 'eleven_multilingual_v2' | 'eleven_v3' | 'sonic-3' | 'sonic-3-latest' | 'sonic-3.5' | 'sonic-3.6' | 'tts-1' | 'gpt-4o-mini-tts' | 'speech-02-turbo' | 'speech-2.8-turbo' | 's1' | 's2-pro' | 's2.1-pro' | 'inworld-tts-2' | 'inworld-tts-2-flash' | null;
    /**
     * Body param: Controls speed of voice. Value ranging from [0.5,2]. Lower value
     * means slower speech, while higher value means faster speech rate. If unset,
     * default value 1 will apply.
     */
    voice_speed?: number;
    /**
     * Body param: Controls how stable the voice is. Value ranging from [0,2]. Lower
     * value means more stable, and higher value means more variant speech generation.
     * Check the dashboard to see what provider supports this feature. If unset,
     * default value 1 will apply.
     */
    voice_temperature?: number;
    /**
     * Body param: If this option is set, the call will try to detect voicemail in the
     * first 3 minutes of the call. Actions defined (hangup, or leave a message) will
     * be applied when the voicemail is detected. Set this to null to disable voicemail
     * detection.
     */
    voicemail_option?: AgentUpdateParams.VoicemailOption | null;
    /**
     * Body param: If set, will control the volume of the agent. Value ranging from
     * [0,2]. Lower value means quieter agent speech, while higher value means louder
     * agent speech. If unset, default value 1 will apply.
     */
    volume?: number;
    /**
     * Body param: Which webhook events this agent should receive. If not set, defaults
     * to call_started, call_ended, call_analyzed.
     */
    webhook_events?: Array<'call_started' | 'call_ended' | 'call_analyzed' | 'transcript_updated' | 'transfer_started' | 'transfer_bridged' | 'transfer_cancelled' | 'transfer_ended'> | null;
    /**
     * Body param: The timeout for the webhook in milliseconds. If not set, default
     * value of 10000 will apply.
     */
    webhook_timeout_ms?: number;
    /**
     * Body param: The webhook for agent to listen to call events. See what events it
     * would get at [webhook doc](/features/webhook). If set, will binds webhook events
     * for this agent to the specified url, and will ignore the account level webhook
     * for this agent. Set to `null` to remove webhook url from this agent.
     */
    webhook_url?: string | null;
}
    interface ResponseEngineRetellLm {
        /**
         * id of the Retell LLM Response Engine.
         */
        llm_id: string;
        /**
         * type of the Response Engine.
         */
        type: 'retell-llm';
        /**
         * Version of the Retell LLM Response Engine.
         */
        version?: number | null;
    }
