"""dialects/module_schemas"""
