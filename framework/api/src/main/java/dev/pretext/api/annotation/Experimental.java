package dev.pretext.api.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Api that is still finding its shape: it may change in the next major version of its package without first
 * being deprecated. Any change still raises the package's version as semantic versioning says (the build's
 * baseline enforces it); what this marks is that plugins relying on it should expect that change sooner.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Experimental {
}
