"""The built-in cvat-gen plugins. Each is registered through the `cvat_gen.plugins` entry
point group, exactly like a third-party plugin."""
