/**
 * Response examples for the OpenAPI document (src/rest/openapi.ts): the recorded golden responses of
 * test/fixtures/rest, placeholders filled in. Generated: npx tsx test/helpers/openapi-examples.ts
 */
export const examples: Record<string, unknown> = {
  "delete-customers": {
    "message": "Customer deleted successfully"
  },
  "delete-teams": {
    "message": "Team deleted successfully"
  },
  "delete-virtual-keys": {
    "message": "Virtual key deleted successfully"
  },
  "get-customers": {
    "customers": [
      {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000000",
        "name": "Acme-1",
        "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000001",
        "budget": {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000002",
          "max_limit": 100,
          "reset_duration": "1M",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 0,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        },
        "budgets": [
          {
            "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000003",
            "max_limit": 100,
            "reset_duration": "1M",
            "calendar_aligned": false,
            "last_reset": "2026-11-30T02:00:00.000Z",
            "current_usage": 0,
            "config_hash": "",
            "created_at": "2026-11-30T02:00:00.000Z",
            "updated_at": "2026-11-30T02:00:00.000Z"
          }
        ],
        "calendar_aligned": false,
        "teams": [
          {
            "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000004",
            "name": "Eng-1",
            "customer_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000005",
            "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000006",
            "budget": {
              "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000007",
              "max_limit": 50,
              "reset_duration": "1w",
              "calendar_aligned": false,
              "last_reset": "2026-11-30T02:00:00.000Z",
              "current_usage": 0,
              "config_hash": "",
              "created_at": "2026-11-30T02:00:00.000Z",
              "updated_at": "2026-11-30T02:00:00.000Z"
            },
            "budgets": [
              {
                "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000008",
                "max_limit": 50,
                "reset_duration": "1w",
                "calendar_aligned": false,
                "last_reset": "2026-11-30T02:00:00.000Z",
                "current_usage": 0,
                "config_hash": "",
                "created_at": "2026-11-30T02:00:00.000Z",
                "updated_at": "2026-11-30T02:00:00.000Z"
              }
            ],
            "calendar_aligned": false,
            "profile": null,
            "config": null,
            "claims": null,
            "config_hash": "",
            "created_at": "2026-11-30T02:00:00.000Z",
            "updated_at": "2026-11-30T02:00:00.000Z"
          }
        ],
        "virtual_keys": [
          {
            "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000009",
            "name": "vk-1",
            "value": "<sk-bf-masked>",
            "description": "a key",
            "is_active": true,
            "customer_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000010",
            "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000011",
            "rate_limit_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000012",
            "budget": {
              "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000013",
              "max_limit": 10,
              "reset_duration": "1d",
              "calendar_aligned": false,
              "last_reset": "2026-11-30T02:00:00.000Z",
              "current_usage": 0,
              "config_hash": "",
              "created_at": "2026-11-30T02:00:00.000Z",
              "updated_at": "2026-11-30T02:00:00.000Z"
            },
            "budgets": [
              {
                "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000014",
                "max_limit": 10,
                "reset_duration": "1d",
                "calendar_aligned": false,
                "last_reset": "2026-11-30T02:00:00.000Z",
                "current_usage": 0,
                "config_hash": "",
                "created_at": "2026-11-30T02:00:00.000Z",
                "updated_at": "2026-11-30T02:00:00.000Z"
              }
            ],
            "rate_limit": {
              "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000015",
              "token_max_limit": 10000,
              "token_reset_duration": "1h",
              "token_current_usage": 0,
              "token_last_reset": "2026-11-30T02:00:00.000Z",
              "request_max_limit": 100,
              "request_reset_duration": "1m",
              "request_current_usage": 0,
              "request_last_reset": "2026-11-30T02:00:00.000Z",
              "config_hash": "",
              "created_at": "2026-11-30T02:00:00.000Z",
              "updated_at": "2026-11-30T02:00:00.000Z"
            },
            "calendar_aligned": false,
            "allow_all_providers": false,
            "provider_configs": [
              {
                "id": 1,
                "virtual_key_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000016",
                "provider": "openai",
                "weight": 0.5,
                "allowed_models": [
                  "gpt-4o"
                ],
                "blacklisted_models": [],
                "allow_all_keys": false,
                "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000017",
                "rate_limit_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000018",
                "budget": {
                  "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000019",
                  "max_limit": 5,
                  "reset_duration": "1d",
                  "calendar_aligned": false,
                  "last_reset": "2026-11-30T02:00:00.000Z",
                  "current_usage": 0,
                  "config_hash": "",
                  "created_at": "2026-11-30T02:00:00.000Z",
                  "updated_at": "2026-11-30T02:00:00.000Z"
                },
                "budgets": [
                  {
                    "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000020",
                    "max_limit": 5,
                    "reset_duration": "1d",
                    "calendar_aligned": false,
                    "last_reset": "2026-11-30T02:00:00.000Z",
                    "current_usage": 0,
                    "config_hash": "",
                    "created_at": "2026-11-30T02:00:00.000Z",
                    "updated_at": "2026-11-30T02:00:00.000Z"
                  }
                ],
                "rate_limit": {
                  "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000021",
                  "token_max_limit": 1000,
                  "token_reset_duration": "1h",
                  "token_current_usage": 0,
                  "token_last_reset": "2026-11-30T02:00:00.000Z",
                  "request_max_limit": 10,
                  "request_reset_duration": "1m",
                  "request_current_usage": 0,
                  "request_last_reset": "2026-11-30T02:00:00.000Z",
                  "config_hash": "",
                  "created_at": "2026-11-30T02:00:00.000Z",
                  "updated_at": "2026-11-30T02:00:00.000Z"
                },
                "keys": [
                  {
                    "id": 1,
                    "name": "key-1",
                    "provider": "openai",
                    "key_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000022",
                    "value": {
                      "value": "",
                      "env_var": "env.OPENAI_API_KEY",
                      "from_env": true
                    },
                    "models": [
                      "gpt-4o",
                      "gpt-4o-mini"
                    ],
                    "weight": 1,
                    "enabled": true,
                    "use_for_batch_api": false,
                    "config_hash": "",
                    "created_at": "2026-11-30T02:00:00.000Z",
                    "updated_at": "2026-11-30T02:00:00.000Z"
                  }
                ]
              }
            ],
            "mcp_configs": [
              {
                "id": 1,
                "virtual_key_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000023",
                "mcp_client_id": 1,
                "mcp_client_name": "mcp-1",
                "tools_to_execute": [
                  "*"
                ],
                "mcp_client": {
                  "id": 1,
                  "name": "mcp-1",
                  "connection_type": "http"
                }
              }
            ],
            "config_hash": "",
            "created_at": "2026-11-30T02:00:00.000Z",
            "updated_at": "2026-11-30T02:00:00.000Z"
          }
        ],
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      }
    ],
    "count": 1,
    "total_count": 1,
    "limit": 25,
    "offset": 0
  },
  "get-teams": {
    "teams": [
      {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000024",
        "name": "Eng-1",
        "customer_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000025",
        "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000026",
        "budget": {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000027",
          "max_limit": 50,
          "reset_duration": "1w",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 0,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        },
        "budgets": [
          {
            "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000028",
            "max_limit": 50,
            "reset_duration": "1w",
            "calendar_aligned": false,
            "last_reset": "2026-11-30T02:00:00.000Z",
            "current_usage": 0,
            "config_hash": "",
            "created_at": "2026-11-30T02:00:00.000Z",
            "updated_at": "2026-11-30T02:00:00.000Z"
          }
        ],
        "calendar_aligned": false,
        "customer": {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000029",
          "name": "Acme-1",
          "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000030",
          "budget": {
            "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000031",
            "max_limit": 100,
            "reset_duration": "1M",
            "calendar_aligned": false,
            "last_reset": "2026-11-30T02:00:00.000Z",
            "current_usage": 0,
            "config_hash": "",
            "created_at": "2026-11-30T02:00:00.000Z",
            "updated_at": "2026-11-30T02:00:00.000Z"
          },
          "budgets": [
            {
              "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000032",
              "max_limit": 100,
              "reset_duration": "1M",
              "calendar_aligned": false,
              "last_reset": "2026-11-30T02:00:00.000Z",
              "current_usage": 0,
              "config_hash": "",
              "created_at": "2026-11-30T02:00:00.000Z",
              "updated_at": "2026-11-30T02:00:00.000Z"
            }
          ],
          "calendar_aligned": false,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        },
        "virtual_keys": [
          {
            "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000033",
            "name": "vk-1",
            "value": "<sk-bf-masked>",
            "description": "a key",
            "is_active": true,
            "team_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000034",
            "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000035",
            "rate_limit_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000036",
            "budget": {
              "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000037",
              "max_limit": 10,
              "reset_duration": "1d",
              "calendar_aligned": false,
              "last_reset": "2026-11-30T02:00:00.000Z",
              "current_usage": 0,
              "config_hash": "",
              "created_at": "2026-11-30T02:00:00.000Z",
              "updated_at": "2026-11-30T02:00:00.000Z"
            },
            "budgets": [
              {
                "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000038",
                "max_limit": 10,
                "reset_duration": "1d",
                "calendar_aligned": false,
                "last_reset": "2026-11-30T02:00:00.000Z",
                "current_usage": 0,
                "config_hash": "",
                "created_at": "2026-11-30T02:00:00.000Z",
                "updated_at": "2026-11-30T02:00:00.000Z"
              }
            ],
            "rate_limit": {
              "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000039",
              "token_max_limit": 10000,
              "token_reset_duration": "1h",
              "token_current_usage": 0,
              "token_last_reset": "2026-11-30T02:00:00.000Z",
              "request_max_limit": 100,
              "request_reset_duration": "1m",
              "request_current_usage": 0,
              "request_last_reset": "2026-11-30T02:00:00.000Z",
              "config_hash": "",
              "created_at": "2026-11-30T02:00:00.000Z",
              "updated_at": "2026-11-30T02:00:00.000Z"
            },
            "calendar_aligned": false,
            "allow_all_providers": false,
            "provider_configs": [
              {
                "id": 1,
                "virtual_key_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000040",
                "provider": "openai",
                "weight": 0.5,
                "allowed_models": [
                  "gpt-4o"
                ],
                "blacklisted_models": [],
                "allow_all_keys": false,
                "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000041",
                "rate_limit_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000042",
                "budget": {
                  "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000043",
                  "max_limit": 5,
                  "reset_duration": "1d",
                  "calendar_aligned": false,
                  "last_reset": "2026-11-30T02:00:00.000Z",
                  "current_usage": 0,
                  "config_hash": "",
                  "created_at": "2026-11-30T02:00:00.000Z",
                  "updated_at": "2026-11-30T02:00:00.000Z"
                },
                "budgets": [
                  {
                    "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000044",
                    "max_limit": 5,
                    "reset_duration": "1d",
                    "calendar_aligned": false,
                    "last_reset": "2026-11-30T02:00:00.000Z",
                    "current_usage": 0,
                    "config_hash": "",
                    "created_at": "2026-11-30T02:00:00.000Z",
                    "updated_at": "2026-11-30T02:00:00.000Z"
                  }
                ],
                "rate_limit": {
                  "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000045",
                  "token_max_limit": 1000,
                  "token_reset_duration": "1h",
                  "token_current_usage": 0,
                  "token_last_reset": "2026-11-30T02:00:00.000Z",
                  "request_max_limit": 10,
                  "request_reset_duration": "1m",
                  "request_current_usage": 0,
                  "request_last_reset": "2026-11-30T02:00:00.000Z",
                  "config_hash": "",
                  "created_at": "2026-11-30T02:00:00.000Z",
                  "updated_at": "2026-11-30T02:00:00.000Z"
                },
                "keys": [
                  {
                    "id": 1,
                    "name": "key-1",
                    "provider": "openai",
                    "key_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000046",
                    "value": {
                      "value": "",
                      "env_var": "env.OPENAI_API_KEY",
                      "from_env": true
                    },
                    "models": [
                      "gpt-4o",
                      "gpt-4o-mini"
                    ],
                    "weight": 1,
                    "enabled": true,
                    "use_for_batch_api": false,
                    "config_hash": "",
                    "created_at": "2026-11-30T02:00:00.000Z",
                    "updated_at": "2026-11-30T02:00:00.000Z"
                  }
                ]
              }
            ],
            "mcp_configs": [
              {
                "id": 1,
                "virtual_key_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000047",
                "mcp_client_id": 1,
                "mcp_client_name": "mcp-1",
                "tools_to_execute": [
                  "*"
                ],
                "mcp_client": {
                  "id": 1,
                  "name": "mcp-1",
                  "connection_type": "http"
                }
              }
            ],
            "config_hash": "",
            "created_at": "2026-11-30T02:00:00.000Z",
            "updated_at": "2026-11-30T02:00:00.000Z"
          }
        ],
        "profile": null,
        "config": null,
        "claims": null,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      }
    ],
    "count": 1,
    "total_count": 1,
    "limit": 25,
    "offset": 0
  },
  "post-customers": {
    "message": "Customer created successfully",
    "customer": {
      "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000048",
      "name": "Initech-1",
      "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000049",
      "budget": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000050",
        "max_limit": 100,
        "reset_duration": "1M",
        "calendar_aligned": false,
        "last_reset": "2026-11-30T02:00:00.000Z",
        "current_usage": 0,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "budgets": [
        {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000051",
          "max_limit": 100,
          "reset_duration": "1M",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 0,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        }
      ],
      "calendar_aligned": false,
      "teams": [],
      "virtual_keys": [],
      "config_hash": "",
      "created_at": "2026-11-30T02:00:00.000Z",
      "updated_at": "2026-11-30T02:00:00.000Z"
    }
  },
  "post-mcp-client": {
    "status": "success",
    "message": "MCP client created successfully",
    "client": {
      "config": {
        "id": 1,
        "name": "example",
        "connection_type": "http",
        "connection_string": "https://tools.example.com/mcp",
        "headers": {
          "Authorization": {
            "value": "",
            "env_var": "",
            "from_env": false
          },
          "x_api_key": {
            "value": "",
            "env_var": "env.TOOLS_API_KEY",
            "from_env": true
          }
        },
        "tools_to_execute": [
          "search",
          "fetch"
        ],
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "vk_configs": []
    }
  },
  "post-model-configs": {
    "message": "Model config created successfully",
    "model_config": {
      "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000052",
      "model_name": "example",
      "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000053",
      "rate_limit_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000054",
      "budget": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000055",
        "max_limit": 25,
        "reset_duration": "1M",
        "calendar_aligned": false,
        "last_reset": "2026-11-30T02:00:00.000Z",
        "current_usage": 0,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "budgets": [
        {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000056",
          "max_limit": 25,
          "reset_duration": "1M",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 0,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        }
      ],
      "rate_limit": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000057",
        "token_max_limit": 100000,
        "token_reset_duration": "1h",
        "token_current_usage": 0,
        "token_last_reset": "2026-11-30T02:00:00.000Z",
        "request_current_usage": 0,
        "request_last_reset": "2026-11-30T02:00:00.000Z",
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "config_hash": "",
      "created_at": "2026-11-30T02:00:00.000Z",
      "updated_at": "2026-11-30T02:00:00.000Z"
    }
  },
  "post-provider-keys": {
    "id": 1,
    "name": "sk-bf-00000000-0000-0000-0000-000000000000",
    "provider": "example",
    "key_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000058",
    "value": {
      "value": "",
      "env_var": "",
      "from_env": false
    },
    "models": [
      "gpt-4o"
    ],
    "weight": 0.5,
    "enabled": true,
    "use_for_batch_api": false,
    "config_hash": "",
    "created_at": "2026-11-30T02:00:00.000Z",
    "updated_at": "2026-11-30T02:00:00.000Z",
    "azure_key_config": {
      "endpoint": "https://example.openai.azure.com",
      "api_version": "2024-10-21",
      "deployments": {
        "GPT-4o": "dep-4o",
        "gpt_4o_mini": "dep-mini"
      },
      "client_id": {
        "value": "",
        "env_var": "env.AZURE_CLIENT_ID",
        "from_env": true
      },
      "client_secret": {
        "value": "",
        "env_var": "",
        "from_env": false
      },
      "tenant_id": {
        "value": "",
        "env_var": "",
        "from_env": false
      }
    }
  },
  "post-providers": {
    "name": "example",
    "keys": [],
    "created_at": "2026-11-30T02:00:00.000Z",
    "updated_at": "2026-11-30T02:00:00.000Z"
  },
  "post-teams": {
    "message": "Team created successfully",
    "team": {
      "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000059",
      "name": "team-1",
      "customer_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000060",
      "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000061",
      "budget": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000062",
        "max_limit": 123,
        "reset_duration": "1d",
        "calendar_aligned": false,
        "last_reset": "2026-11-30T02:00:00.000Z",
        "current_usage": 0,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "budgets": [
        {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000063",
          "max_limit": 123,
          "reset_duration": "1d",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 0,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        }
      ],
      "calendar_aligned": false,
      "customer": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000064",
        "name": "Other-1",
        "calendar_aligned": false,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "virtual_keys": [],
      "profile": null,
      "config": null,
      "claims": null,
      "config_hash": "",
      "created_at": "2026-11-30T02:00:00.000Z",
      "updated_at": "2026-11-30T02:00:00.000Z"
    }
  },
  "post-virtual-keys-rotate": {
    "message": "Virtual key rotated successfully",
    "virtual_key": {
      "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000065",
      "name": "vk-1",
      "value": "<sk-bf-full>",
      "description": "",
      "is_active": true,
      "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000066",
      "budget": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000067",
        "max_limit": 10,
        "reset_duration": "1d",
        "calendar_aligned": false,
        "last_reset": "2026-11-30T02:00:00.000Z",
        "current_usage": 0,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "budgets": [
        {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000068",
          "max_limit": 10,
          "reset_duration": "1d",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 0,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        }
      ],
      "calendar_aligned": false,
      "allow_all_providers": false,
      "provider_configs": [],
      "mcp_configs": [],
      "config_hash": "",
      "created_at": "2026-11-30T02:00:00.000Z",
      "updated_at": "2026-11-30T02:00:00.000Z"
    }
  },
  "post-virtual-keys": {
    "message": "Virtual key created successfully",
    "virtual_key": {
      "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000069",
      "name": "vk-1",
      "value": "<sk-bf-full>",
      "description": "a key",
      "is_active": true,
      "team_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000070",
      "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000071",
      "rate_limit_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000072",
      "budget": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000073",
        "max_limit": 10,
        "reset_duration": "1d",
        "calendar_aligned": false,
        "last_reset": "2026-11-30T02:00:00.000Z",
        "current_usage": 0,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "budgets": [
        {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000074",
          "max_limit": 10,
          "reset_duration": "1d",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 0,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        }
      ],
      "rate_limit": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000075",
        "token_max_limit": 10000,
        "token_reset_duration": "1h",
        "token_current_usage": 0,
        "token_last_reset": "2026-11-30T02:00:00.000Z",
        "request_max_limit": 100,
        "request_reset_duration": "1m",
        "request_current_usage": 0,
        "request_last_reset": "2026-11-30T02:00:00.000Z",
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "calendar_aligned": false,
      "allow_all_providers": false,
      "provider_configs": [
        {
          "id": 1,
          "virtual_key_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000076",
          "provider": "openai",
          "weight": 0.5,
          "allowed_models": [
            "gpt-4o"
          ],
          "blacklisted_models": [],
          "allow_all_keys": false,
          "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000077",
          "rate_limit_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000078",
          "budget": {
            "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000079",
            "max_limit": 5,
            "reset_duration": "1d",
            "calendar_aligned": false,
            "last_reset": "2026-11-30T02:00:00.000Z",
            "current_usage": 0,
            "config_hash": "",
            "created_at": "2026-11-30T02:00:00.000Z",
            "updated_at": "2026-11-30T02:00:00.000Z"
          },
          "budgets": [
            {
              "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000080",
              "max_limit": 5,
              "reset_duration": "1d",
              "calendar_aligned": false,
              "last_reset": "2026-11-30T02:00:00.000Z",
              "current_usage": 0,
              "config_hash": "",
              "created_at": "2026-11-30T02:00:00.000Z",
              "updated_at": "2026-11-30T02:00:00.000Z"
            }
          ],
          "rate_limit": {
            "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000081",
            "token_max_limit": 1000,
            "token_reset_duration": "1h",
            "token_current_usage": 0,
            "token_last_reset": "2026-11-30T02:00:00.000Z",
            "request_max_limit": 10,
            "request_reset_duration": "1m",
            "request_current_usage": 0,
            "request_last_reset": "2026-11-30T02:00:00.000Z",
            "config_hash": "",
            "created_at": "2026-11-30T02:00:00.000Z",
            "updated_at": "2026-11-30T02:00:00.000Z"
          },
          "keys": [
            {
              "id": 1,
              "name": "key-1",
              "provider": "openai",
              "key_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000082",
              "value": {
                "value": "",
                "env_var": "env.OPENAI_API_KEY",
                "from_env": true
              },
              "models": [
                "gpt-4o",
                "gpt-4o-mini"
              ],
              "weight": 1,
              "enabled": true,
              "use_for_batch_api": false,
              "config_hash": "",
              "created_at": "2026-11-30T02:00:00.000Z",
              "updated_at": "2026-11-30T02:00:00.000Z"
            }
          ]
        }
      ],
      "mcp_configs": [
        {
          "id": 1,
          "virtual_key_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000083",
          "mcp_client_id": 1,
          "mcp_client_name": "mcp-1",
          "tools_to_execute": [
            "*"
          ],
          "mcp_client": {
            "id": 1,
            "name": "mcp-1",
            "connection_type": "http"
          }
        }
      ],
      "config_hash": "",
      "created_at": "2026-11-30T02:00:00.000Z",
      "updated_at": "2026-11-30T02:00:00.000Z",
      "team": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000084",
        "name": "Eng-1",
        "customer_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000085",
        "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000086",
        "budget": {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000087",
          "max_limit": 50,
          "reset_duration": "1w",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 0,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        },
        "budgets": [
          {
            "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000088",
            "max_limit": 50,
            "reset_duration": "1w",
            "calendar_aligned": false,
            "last_reset": "2026-11-30T02:00:00.000Z",
            "current_usage": 0,
            "config_hash": "",
            "created_at": "2026-11-30T02:00:00.000Z",
            "updated_at": "2026-11-30T02:00:00.000Z"
          }
        ],
        "calendar_aligned": false,
        "customer": {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000089",
          "name": "Acme-1",
          "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000090",
          "budget": {
            "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000091",
            "max_limit": 100,
            "reset_duration": "1M",
            "calendar_aligned": false,
            "last_reset": "2026-11-30T02:00:00.000Z",
            "current_usage": 0,
            "config_hash": "",
            "created_at": "2026-11-30T02:00:00.000Z",
            "updated_at": "2026-11-30T02:00:00.000Z"
          },
          "budgets": [
            {
              "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000092",
              "max_limit": 100,
              "reset_duration": "1M",
              "calendar_aligned": false,
              "last_reset": "2026-11-30T02:00:00.000Z",
              "current_usage": 0,
              "config_hash": "",
              "created_at": "2026-11-30T02:00:00.000Z",
              "updated_at": "2026-11-30T02:00:00.000Z"
            }
          ],
          "calendar_aligned": false,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        },
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      }
    }
  },
  "put-budget-override": {
    "message": "Budget override updated successfully",
    "budget": {
      "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000093",
      "max_limit": 100,
      "reset_duration": "1M",
      "calendar_aligned": false,
      "last_reset": "2026-11-30T02:00:00.000Z",
      "current_usage": 0,
      "config_hash": "",
      "created_at": "2026-11-30T02:00:00.000Z",
      "updated_at": "2026-11-30T02:00:00.000Z",
      "override_amount": 25,
      "override_mode": "cycles",
      "override_cycles_remaining": 4
    },
    "effective_max_limit": 125
  },
  "put-customers": {
    "message": "Customer updated successfully",
    "customer": {
      "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000094",
      "name": "cust-renamed-1",
      "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000095",
      "rate_limit_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000096",
      "budget": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000097",
        "max_limit": 150,
        "reset_duration": "1M",
        "calendar_aligned": false,
        "last_reset": "2026-11-30T02:00:00.000Z",
        "current_usage": 40,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "budgets": [
        {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000098",
          "max_limit": 150,
          "reset_duration": "1M",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 40,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        }
      ],
      "rate_limit": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000099",
        "token_current_usage": 0,
        "token_last_reset": "2026-11-30T02:00:00.000Z",
        "request_max_limit": 100,
        "request_reset_duration": "1h",
        "request_current_usage": 0,
        "request_last_reset": "2026-11-30T02:00:00.000Z",
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "calendar_aligned": false,
      "teams": [],
      "virtual_keys": [],
      "config_hash": "",
      "created_at": "2026-11-30T02:00:00.000Z",
      "updated_at": "2026-11-30T02:00:00.000Z"
    }
  },
  "put-model-configs": {
    "message": "Model config updated successfully",
    "model_config": {
      "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000100",
      "model_name": "example",
      "provider": "openai",
      "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000101",
      "rate_limit_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000102",
      "budget": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000103",
        "max_limit": 30,
        "reset_duration": "1d",
        "calendar_aligned": false,
        "last_reset": "2026-11-30T02:00:00.000Z",
        "current_usage": 4,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "budgets": [
        {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000104",
          "max_limit": 30,
          "reset_duration": "1d",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 4,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        }
      ],
      "rate_limit": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000105",
        "token_current_usage": 0,
        "token_last_reset": "2026-11-30T02:00:00.000Z",
        "request_max_limit": 5,
        "request_reset_duration": "1m",
        "request_current_usage": 0,
        "request_last_reset": "2026-11-30T02:00:00.000Z",
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "config_hash": "",
      "created_at": "2026-11-30T02:00:00.000Z",
      "updated_at": "2026-11-30T02:00:00.000Z"
    }
  },
  "put-provider-governance": {
    "message": "Provider governance updated successfully",
    "provider": {
      "provider": "example",
      "budget": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000106",
        "max_limit": 100,
        "reset_duration": "1M",
        "calendar_aligned": false,
        "last_reset": "2026-11-30T02:00:00.000Z",
        "current_usage": 0,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "budgets": [
        {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000107",
          "max_limit": 100,
          "reset_duration": "1M",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 0,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        }
      ],
      "rate_limit": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000108",
        "token_current_usage": 0,
        "token_last_reset": "2026-11-30T02:00:00.000Z",
        "request_max_limit": 600,
        "request_reset_duration": "1m",
        "request_current_usage": 0,
        "request_last_reset": "2026-11-30T02:00:00.000Z",
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      }
    }
  },
  "put-teams": {
    "message": "Team updated successfully",
    "team": {
      "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000109",
      "name": "team-renamed-1",
      "customer_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000110",
      "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000111",
      "rate_limit_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000112",
      "budget": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000113",
        "max_limit": 9,
        "reset_duration": "1d",
        "calendar_aligned": false,
        "last_reset": "2026-11-30T02:00:00.000Z",
        "current_usage": 0,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "budgets": [
        {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000114",
          "max_limit": 9,
          "reset_duration": "1d",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 0,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        }
      ],
      "rate_limit": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000115",
        "token_current_usage": 0,
        "token_last_reset": "2026-11-30T02:00:00.000Z",
        "request_max_limit": 10,
        "request_reset_duration": "1m",
        "request_current_usage": 0,
        "request_last_reset": "2026-11-30T02:00:00.000Z",
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "calendar_aligned": false,
      "customer": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000116",
        "name": "Acme-1",
        "calendar_aligned": false,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "virtual_keys": [],
      "profile": null,
      "config": null,
      "claims": null,
      "config_hash": "",
      "created_at": "2026-11-30T02:00:00.000Z",
      "updated_at": "2026-11-30T02:00:00.000Z"
    }
  },
  "put-virtual-keys": {
    "message": "Virtual key updated successfully",
    "virtual_key": {
      "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000117",
      "name": "vk-renamed-1",
      "value": "<sk-bf-masked>",
      "description": "updated",
      "is_active": true,
      "team_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000118",
      "budget_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000119",
      "rate_limit_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000120",
      "budget": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000121",
        "max_limit": 25,
        "reset_duration": "1d",
        "calendar_aligned": false,
        "last_reset": "2026-11-30T02:00:00.000Z",
        "current_usage": 0,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "budgets": [
        {
          "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000122",
          "max_limit": 25,
          "reset_duration": "1d",
          "calendar_aligned": false,
          "last_reset": "2026-11-30T02:00:00.000Z",
          "current_usage": 0,
          "config_hash": "",
          "created_at": "2026-11-30T02:00:00.000Z",
          "updated_at": "2026-11-30T02:00:00.000Z"
        }
      ],
      "rate_limit": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000123",
        "token_max_limit": 1000,
        "token_reset_duration": "1h",
        "token_current_usage": 0,
        "token_last_reset": "2026-11-30T02:00:00.000Z",
        "request_current_usage": 0,
        "request_last_reset": "2026-11-30T02:00:00.000Z",
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      },
      "calendar_aligned": false,
      "allow_all_providers": false,
      "provider_configs": [
        {
          "id": 1,
          "virtual_key_id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000124",
          "provider": "openai",
          "weight": 0.5,
          "allowed_models": [
            "gpt-4o"
          ],
          "blacklisted_models": [],
          "allow_all_keys": true,
          "keys": []
        }
      ],
      "mcp_configs": [],
      "config_hash": "",
      "created_at": "2026-11-30T02:00:00.000Z",
      "updated_at": "2026-11-30T02:00:00.000Z",
      "team": {
        "id": "3f2b8c1e-6a4d-4c2e-9b1a-100000000125",
        "name": "team-1",
        "calendar_aligned": false,
        "config_hash": "",
        "created_at": "2026-11-30T02:00:00.000Z",
        "updated_at": "2026-11-30T02:00:00.000Z"
      }
    }
  }
};
