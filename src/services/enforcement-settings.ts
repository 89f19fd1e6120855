/**
 * Process-wide enforcement settings shared by REST and GraphQL. `vkMandatory` is Bifrost's `is_vk_mandatory`
 * (env VK_MANDATORY): a check or record without a virtual key is 401 `virtual_key_required`. Read from the
 * environment once (route handlers and resolvers do not receive the config); tests may change it.
 */
import { loadConfig } from "../config.js";

export const enforcementSettings: { vkMandatory: boolean } = { vkMandatory: loadConfig().VK_MANDATORY };
